#include "server/service/call.h"

#include "absl/strings/match.h"
#include "google/protobuf/descriptor.h"

namespace glutecare {

bool OnlyReads(const google::protobuf::Message& request) {
  const std::string& name = request.GetDescriptor()->name();
  return absl::StartsWith(name, "Get") || absl::StartsWith(name, "List");
}

}  // namespace glutecare
