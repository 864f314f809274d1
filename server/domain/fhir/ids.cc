#include "server/domain/fhir/ids.h"

#include <openssl/sha.h>

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace glutecare::fhir {
namespace {

// Hex digits of the SHA-256 kept in a hashed id: 160 bits, so that two
// resources of one clinic never share one.
constexpr size_t kHashHexDigits = 40;

std::string HashedId(absl::string_view joined) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(joined.data()), joined.size(),
         digest);
  const std::string hex = absl::BytesToHexString(absl::string_view(
      reinterpret_cast<const char*>(digest), sizeof digest));
  return absl::StrCat("sha256-", hex.substr(0, kHashHexDigits));
}

}  // namespace

std::string FhirIdOf(absl::Span<const absl::string_view> segments) {
  std::string joined = absl::StrJoin(segments, ".");
  if (joined.size() <= kMaxFhirIdLength) return joined;
  return HashedId(joined);
}

std::string FhirId(absl::string_view resource_name,
                   absl::Span<const absl::string_view> extra) {
  resource_name = resource_name.substr(0, resource_name.find('@'));
  std::vector<absl::string_view> parts = absl::StrSplit(resource_name, '/');
  std::vector<absl::string_view> ids;
  if (parts.size() >= 2 && parts.size() % 2 == 0 && parts[0] == "clinics") {
    // clinics/{clinic}/{collection}/{id}/...: the ids after the clinic.
    for (size_t i = 3; i < parts.size(); i += 2) ids.push_back(parts[i]);
  } else {
    ids = std::move(parts);
  }
  ids.insert(ids.end(), extra.begin(), extra.end());
  return FhirIdOf(ids);
}

std::string FhirReference(absl::string_view resource_type,
                          absl::string_view resource_name) {
  return absl::StrCat(resource_type, "/", FhirId(resource_name));
}

bool IsValidFhirId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxFhirIdLength) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(c) && c != '-' && c != '.') return false;
  }
  return true;
}

}  // namespace glutecare::fhir
