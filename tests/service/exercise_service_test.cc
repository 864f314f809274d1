// ExerciseService on a real server: the catalog, paged and by name.

#include <grpcpp/grpcpp.h>

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/service/server_test.h"

namespace glutecare {
namespace {

TEST_F(ServerTest, ServesTheExerciseCatalog) {
  v1::ListExercisesRequest request;
  request.set_page_size(4);
  std::vector<std::string> names;
  for (int page = 0; page < 10; ++page) {
    v1::ListExercisesResponse response;
    ASSERT_TRUE(
        exercises_->ListExercises(Context().get(), request, &response).ok());
    for (const auto& e : response.exercises()) names.push_back(e.name());
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  EXPECT_EQ(names.size(), 9u);
  EXPECT_EQ(names[0], "exercises/glute-bridge");

  v1::GetExerciseRequest get;
  get.set_name("exercises/clamshell");
  v1::Exercise clamshell;
  ASSERT_TRUE(exercises_->GetExercise(Context().get(), get, &clamshell).ok());
  EXPECT_EQ(clamshell.progresses_to(), "exercises/banded-clamshell");
  EXPECT_THAT(clamshell.target_muscles(),
              ::testing::Contains(v1::MUSCLE_GLUTEUS_MEDIUS));
  get.set_name("exercises/deadlift");
  EXPECT_EQ(
      exercises_->GetExercise(Context().get(), get, &clamshell).error_code(),
      grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace glutecare
