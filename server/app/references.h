// Checks that a resource named inside a request body exists. A missing one is
// the client's mistake in that field, so it is INVALID_ARGUMENT naming the
// field, not NOT_FOUND (which is for the resource the call is about).
#ifndef GLUTECARE_SERVER_APP_REFERENCES_H_
#define GLUTECARE_SERVER_APP_REFERENCES_H_

#include <iterator>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/common/status.h"
#include "server/domain/resource_names.h"
#include "server/domain/validation.h"
#include "server/storage/store.h"

namespace glutecare {

// Every child of `parent` that the Store listing method `list` (such as
// &Store::ListSessions) pages through, read `page_size` items at a time.
template <typename Parent, typename T>
absl::StatusOr<std::vector<T>> ListAll(
    Store& store,
    absl::StatusOr<Page<T>> (Store::*list)(const Parent&, const PageRequest&),
    const Parent& parent, int page_size = kMaxPageSize) {
  std::vector<T> items;
  PageRequest page{.page_size = page_size};
  do {
    GLUTECARE_ASSIGN_OR_RETURN(Page<T> read, (store.*list)(parent, page));
    std::move(read.items.begin(), read.items.end(), std::back_inserter(items));
    page.page_token = std::move(read.next_page_token);
  } while (!page.page_token.empty());
  return items;
}

// OK when `therapist` names an existing therapist.
absl::Status CheckTherapistExists(Store& store, absl::string_view therapist,
                                  absl::string_view field);

// The full revision name, `{program}@{revision_id}`, of the program revision
// that a session of `patient` performed at `perform_time` followed, from what
// the client sent (`requested`, already checked by CheckSession): a revision
// name must exist and is kept; a program name gets its revision in force at
// perform_time; empty gets that of the patient's only program active then
// (the rules are in server/domain/program_followed.h). INVALID_ARGUMENT
// naming `field` when the program or revision does not exist, or when no
// program or several were active.
absl::StatusOr<std::string> ResolveProgramRevision(Store& store,
                                                   const PatientName& patient,
                                                   absl::string_view requested,
                                                   absl::Time perform_time,
                                                   absl::string_view field);

// An optional therapist filter (a List request's `therapist` field): nullopt
// when empty, else a therapist name of `clinic`.
absl::StatusOr<std::optional<TherapistName>> ParseTherapistFilter(
    const std::string& therapist, const ClinicName& clinic,
    absl::string_view field);

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_APP_REFERENCES_H_
