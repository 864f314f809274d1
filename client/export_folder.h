// A folder that an NDJSON export (FHIR Bulk Data style) is written into: one
// file per resource type, `{type}.ndjson`, each written first to
// `{type}.ndjson.partial` and renamed into place only once the whole export
// has arrived, so that a folder never holds half an export under the final
// names. The records are health data: a folder made here gets mode 0700 and
// every file mode 0600.
//
//   GLUTECARE_ASSIGN_OR_RETURN(std::unique_ptr<ExportFolder> folder,
//                              ExportFolder::Open("out", {"Patient"}));
//   GLUTECARE_RETURN_IF_ERROR(folder->Append("Patient", chunk.ndjson()));
//   GLUTECARE_RETURN_IF_ERROR(folder->Commit());   // out/Patient.ndjson
#ifndef GLUTECARE_CLIENT_EXPORT_FOLDER_H_
#define GLUTECARE_CLIENT_EXPORT_FOLDER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace glutecare::client {

// Not thread-safe.
class ExportFolder final {
 public:
  // Creates `dir` (mode 0700) unless it exists, and an empty
  // `{type}.ndjson.partial` (mode 0600) for each of `types`, replacing any
  // left by an earlier attempt. FAILED_PRECONDITION naming the path when
  // the folder or a file cannot be made.
  static absl::StatusOr<std::unique_ptr<ExportFolder>> Open(
      const std::string& dir, std::vector<std::string> types);

  ExportFolder(const ExportFolder&) = delete;
  ExportFolder& operator=(const ExportFolder&) = delete;
  // Removes the .partial files unless Commit() succeeded.
  ~ExportFolder();

  // Appends `ndjson` (whole lines) to the file of `type` and counts its
  // lines. FAILED_PRECONDITION for a type the folder was not opened for, or
  // when the file cannot be written.
  absl::Status Append(absl::string_view type, absl::string_view ndjson);

  // Syncs and closes every file, renames each to `{type}.ndjson` (replacing
  // an earlier export's) and syncs the folder. REQUIRES: called once.
  absl::Status Commit();

  // Lines written per type, in the order the folder was opened with.
  std::vector<std::pair<std::string, int64_t>> Counts() const;

  // `{dir}/{type}.ndjson`.
  std::string FinalPath(absl::string_view type) const;

 private:
  struct File {
    std::string type;
    int fd = -1;
    int64_t lines = 0;
  };

  explicit ExportFolder(std::string dir) : dir_(std::move(dir)) {}
  std::string PartialPath(absl::string_view type) const;

  const std::string dir_;
  std::vector<File> files_;
  bool committed_ = false;
};

}  // namespace glutecare::client

#endif  // GLUTECARE_CLIENT_EXPORT_FOLDER_H_
