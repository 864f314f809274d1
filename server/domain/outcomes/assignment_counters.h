// The counters an outcome assignment keeps about its responses, kept by the
// Store in the transaction that stores a response.
//
// Pure: no storage, no clock.
#ifndef GLUTECARE_SERVER_DOMAIN_OUTCOMES_ASSIGNMENT_COUNTERS_H_
#define GLUTECARE_SERVER_DOMAIN_OUTCOMES_ASSIGNMENT_COUNTERS_H_

#include "glutecare/v1/outcome.pb.h"

namespace glutecare::outcomes {

// `assignment` once `response` to it is stored: intake_date is the first
// response's day, last_response_date the latest day answered (a late
// response for an earlier day leaves it), and response_count one more.
v1::OutcomeAssignment CountResponse(v1::OutcomeAssignment assignment,
                                    const v1::OutcomeResponse& response);

}  // namespace glutecare::outcomes

#endif  // GLUTECARE_SERVER_DOMAIN_OUTCOMES_ASSIGNMENT_COUNTERS_H_
