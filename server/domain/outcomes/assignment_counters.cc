#include "server/domain/outcomes/assignment_counters.h"

namespace glutecare::outcomes {

v1::OutcomeAssignment CountResponse(v1::OutcomeAssignment assignment,
                                    const v1::OutcomeResponse& response) {
  if (assignment.intake_date().empty()) {
    assignment.set_intake_date(response.local_date());
  }
  if (response.local_date() > assignment.last_response_date()) {
    assignment.set_last_response_date(response.local_date());
  }
  assignment.set_response_count(assignment.response_count() + 1);
  return assignment;
}

}  // namespace glutecare::outcomes
