#include "server/common/log.h"

#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace glutecare {

void Log(LogSeverity severity, absl::string_view message) {
  const char* label = severity == LogSeverity::kInfo      ? "INFO"
                      : severity == LogSeverity::kWarning ? "WARNING"
                                                          : "ERROR";
  const std::string line =
      absl::StrCat(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(),
                                    absl::UTCTimeZone()),
                   " ", label, " ", message, "\n");
  // One fwrite per line keeps lines whole across threads.
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace glutecare
