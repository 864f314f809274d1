#include "client/access_token.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "client/errors.h"

namespace glutecare::client {
namespace {

// More than any token file holds (a token is 47 characters): a bigger file
// is the wrong file.
constexpr size_t kMaxTokenFileBytes = 4096;

// The usage error of a system call on `path` that failed with
// `error_number`.
absl::Status SystemError(absl::string_view flag, const std::string& path,
                         absl::string_view what, int error_number) {
  return UsageError(absl::StrCat(flag, ": cannot ", what, " ", path, ": ",
                                 std::strerror(error_number)));
}

// OK when `token` can travel as a metadata value: printable ASCII without
// spaces. The message names `source` only, never the token.
absl::Status CheckTokenCharacters(absl::string_view token,
                                  absl::string_view source) {
  for (const char c : token) {
    if (!absl::ascii_isgraph(static_cast<unsigned char>(c))) {
      return UsageError(absl::StrCat(
          source,
          " does not hold an access token: it has spaces, line breaks "
          "or other characters a token never has"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> ReadAccessTokenFile(const std::string& path,
                                                absl::string_view flag) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return SystemError(flag, path, "read", errno);
  std::string contents(kMaxTokenFileBytes + 1, '\0');
  size_t size = 0;
  ssize_t got = 0;
  while (size < contents.size() && (got = read(fd, contents.data() + size,
                                               contents.size() - size)) != 0) {
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) break;
    size += static_cast<size_t>(got);
  }
  const int read_errno = errno;
  close(fd);
  if (got < 0) return SystemError(flag, path, "read", read_errno);
  if (size > kMaxTokenFileBytes) {
    return UsageError(absl::StrCat(flag, ": ", path,
                                   " is too large to be an access token file"));
  }
  contents.resize(size);
  const std::string token(absl::StripAsciiWhitespace(contents));
  if (token.empty()) {
    return UsageError(absl::StrCat(flag, ": ", path, " is empty"));
  }
  if (absl::Status status =
          CheckTokenCharacters(token, absl::StrCat(flag, " ", path));
      !status.ok()) {
    return status;
  }
  return token;
}

absl::StatusOr<std::string> ChooseAccessToken(const std::string& token_file,
                                              const char* token_variable) {
  if (!token_file.empty())
    return ReadAccessTokenFile(token_file, "--token-file");
  const std::string token(absl::StripAsciiWhitespace(
      token_variable != nullptr ? token_variable : ""));
  if (token.empty()) {
    return UsageError(absl::StrCat("no access token: set ", kTokenVariable,
                                   " or --token-file"));
  }
  if (absl::Status status = CheckTokenCharacters(token, kTokenVariable);
      !status.ok()) {
    return status;
  }
  return token;
}

void AddBearerToken(absl::string_view token, grpc::ClientContext& context) {
  if (token.empty()) return;
  context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
}

absl::StatusOr<SecretFile> CreateSecretFile(const std::string& path,
                                            absl::string_view flag) {
  absl::StatusOr<SecretFile> file = SecretFile::Create(path);
  if (!file.ok()) {
    return UsageError(absl::StrCat(flag, ": ", file.status().message()));
  }
  return file;
}

}  // namespace glutecare::client
