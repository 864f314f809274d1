// ProgramService on a real server: revisions, etags, and updates that are
// refused.

#include <grpcpp/grpcpp.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/service/server_test.h"
#include "tests/testing/grpc_errors.h"

namespace glutecare {
namespace {

using ::testing::ElementsAre;
using testing::ErrorReason;
using testing::ViolatedFields;

TEST_F(ServerTest, ProgramUpdateCreatesARevisionAndOldRevisionsStayUsable) {
  v1::UpdateProgramRequest update;
  *update.mutable_program() = program_;
  update.mutable_program()->mutable_prescriptions(1)->mutable_load()->set_type(
      v1::LOAD_TYPE_BAND_LIGHT);
  update.mutable_update_mask()->add_paths("prescriptions");
  v1::Program revised;
  grpc::Status status =
      programs_->UpdateProgram(Context().get(), update, &revised);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(revised.revision_id(), 2);
  EXPECT_NE(revised.etag(), program_.etag());

  // The old etag is stale now.
  status = programs_->UpdateProgram(Context().get(), update, &revised);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(ErrorReason(status), "ETAG_MISMATCH");

  v1::ListProgramRevisionsRequest list;
  list.set_name(program_.name());
  v1::ListProgramRevisionsResponse revisions;
  ASSERT_TRUE(
      programs_->ListProgramRevisions(Context().get(), list, &revisions).ok());
  ASSERT_EQ(revisions.programs_size(), 2);
  EXPECT_EQ(revisions.programs(0).revision_id(), 2);
  EXPECT_EQ(revisions.programs(1).prescriptions(1).load().type(),
            v1::LOAD_TYPE_BODYWEIGHT);

  v1::Session session;
  EXPECT_TRUE(sessions_
                  ->CreateSession(PatientContext().get(),
                                  SessionRequest("old", 1), &session)
                  .ok());
  EXPECT_TRUE(sessions_
                  ->CreateSession(PatientContext().get(),
                                  SessionRequest("new", 2), &session)
                  .ok());
}

TEST_F(ServerTest, InvalidProgramUpdateWritesNoRevision) {
  v1::UpdateProgramRequest update;
  update.mutable_program()->set_name(program_.name());
  update.mutable_program()->set_end_date("2026-10-01");  // before the start
  update.mutable_update_mask()->add_paths("end_date");
  v1::Program revised;
  grpc::Status status =
      programs_->UpdateProgram(Context().get(), update, &revised);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("program.end_date"));

  update.mutable_update_mask()->set_paths(0, "revision_id");
  status = programs_->UpdateProgram(Context().get(), update, &revised);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("update_mask"));

  v1::GetProgramRequest get;
  get.set_name(program_.name());
  ASSERT_TRUE(programs_->GetProgram(Context().get(), get, &revised).ok());
  EXPECT_EQ(revised.revision_id(), 1);
}

}  // namespace
}  // namespace glutecare
