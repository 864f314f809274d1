// Minimal logging to stderr (Abseil 20220623 has no absl/log). One line per
// call, prefixed with the UTC time and the severity. Never log tokens or
// patient data: resource names and status codes only.
#ifndef GLUTECARE_SERVER_COMMON_LOG_H_
#define GLUTECARE_SERVER_COMMON_LOG_H_

#include "absl/strings/string_view.h"

namespace glutecare {

enum class LogSeverity { kInfo, kWarning, kError };

// Writes one line to stderr. Thread-safe.
void Log(LogSeverity severity, absl::string_view message);

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_COMMON_LOG_H_
