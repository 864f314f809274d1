// The current time as a protobuf Timestamp, to the nanosecond.
//
// protobuf 3.21's TimeUtil::GetCurrentTime() drops the fraction of the
// second, so two records made within one second would carry the same time
// and a revision made just after a session would look as old as it.
#ifndef GLUTECARE_SERVER_COMMON_CLOCK_H_
#define GLUTECARE_SERVER_COMMON_CLOCK_H_

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/time_util.h"

namespace glutecare {

inline google::protobuf::Timestamp NowTimestamp() {
  return google::protobuf::util::TimeUtil::NanosecondsToTimestamp(
      absl::ToUnixNanos(absl::Now()));
}

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_COMMON_CLOCK_H_
