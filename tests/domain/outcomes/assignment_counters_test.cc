#include "server/domain/outcomes/assignment_counters.h"

#include <string>

#include "gtest/gtest.h"

namespace glutecare::outcomes {
namespace {

v1::OutcomeResponse On(const std::string& day) {
  v1::OutcomeResponse response;
  response.set_local_date(day);
  return response;
}

TEST(CountResponse, IntakeIsTheFirstDayAndLastIsTheLatestDay) {
  struct Step {
    std::string day;
    std::string intake;
    std::string last;
    int count;
  };
  // Responses in the order they arrive: a late one for an earlier day
  // counts but moves neither date.
  const Step steps[] = {{"2026-03-02", "2026-03-02", "2026-03-02", 1},
                        {"2026-03-30", "2026-03-02", "2026-03-30", 2},
                        {"2026-03-16", "2026-03-02", "2026-03-30", 3},
                        {"2026-04-27", "2026-03-02", "2026-04-27", 4}};
  v1::OutcomeAssignment assignment;
  for (const Step& step : steps) {
    SCOPED_TRACE(step.day);
    assignment = CountResponse(assignment, On(step.day));
    EXPECT_EQ(assignment.intake_date(), step.intake);
    EXPECT_EQ(assignment.last_response_date(), step.last);
    EXPECT_EQ(assignment.response_count(), step.count);
  }
}

}  // namespace
}  // namespace glutecare::outcomes
