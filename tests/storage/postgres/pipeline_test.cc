#include "server/storage/postgres/pipeline.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/storage/postgres/transaction.h"
#include "tests/testing/postgres_database.h"

namespace glutecare::postgres {
namespace {

constexpr Statement kInsertVisit = {
    .name = "visits.insert", .sql = "INSERT INTO visits VALUES ($1, $2)"};
constexpr Statement kCountVisits = {.name = "visits.count",
                                    .sql = "SELECT count(*) FROM visits"};
constexpr Statement kListVisits = {
    .name = "visits.list", .sql = "SELECT id, minutes FROM visits ORDER BY id"};

class PipelineTest : public testing::PostgresTest {
 protected:
  void SetUp() override {
    PostgresTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(db_->Exec("CREATE TABLE visits (id text PRIMARY KEY, "
                          "minutes bigint NOT NULL)")
                    .ok());
  }

  std::string Visits() { return Scalar(*db_, "SELECT count(*) FROM visits"); }
};

TEST_F(PipelineTest, ItReturnsEveryResultInTheOrderAdded) {
  // Twice: first the pipeline prepares its statements, then they are
  // prepared already.
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE(round);
    Pipeline pipeline(*db_);
    pipeline.Add(kInsertVisit, Params().AddText(absl::StrCat("r", round, "a"))
                                   .AddInt64(30));
    pipeline.Add(kCountVisits, Params());
    pipeline.Add(kInsertVisit, Params().AddText(absl::StrCat("r", round, "b"))
                                   .AddInt64(45));
    pipeline.Add(kListVisits, Params());
    absl::StatusOr<std::vector<Result>> results = pipeline.Run();
    ASSERT_TRUE(results.ok()) << results.status();
    ASSERT_EQ(results->size(), 4u);
    EXPECT_EQ((*results)[0].affected_rows(), 1);
    EXPECT_EQ((*results)[1].GetInt64(0, 0), 2 * round + 1);
    EXPECT_EQ((*results)[2].affected_rows(), 1);
    const Result& list = (*results)[3];
    ASSERT_EQ(list.rows(), 2 * round + 2);
    EXPECT_EQ(list.GetText(2 * round, 0), absl::StrCat("r", round, "a"));
    EXPECT_EQ(list.GetInt64(2 * round + 1, 1), 45);
    EXPECT_TRUE(db_->reusable());
  }
  EXPECT_EQ(Visits(), "4");
}

TEST_F(PipelineTest, AFailedStatementFailsItAndUndoesTheOthers) {
  Pipeline pipeline(*db_);
  pipeline.Add(kInsertVisit, Params().AddText("a").AddInt64(30));
  pipeline.Add(kInsertVisit, Params().AddText("a").AddInt64(31));
  pipeline.Add(kInsertVisit, Params().AddText("c").AddInt64(32));
  const absl::Status status = pipeline.Run().status();
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
  EXPECT_TRUE(db_->reusable());
  EXPECT_EQ(Visits(), "0");

  Pipeline next(*db_);
  next.Add(kInsertVisit, Params().AddText("c").AddInt64(32));
  EXPECT_TRUE(next.Run().ok());
  EXPECT_EQ(Visits(), "1");
}

TEST_F(PipelineTest, InsideATransactionItsWritesRollBackWithIt) {
  {
    absl::StatusOr<Transaction> tx =
        Transaction::Begin(*db_, Isolation::kSerializable);
    ASSERT_TRUE(tx.ok()) << tx.status();
    Pipeline pipeline(tx->connection());
    pipeline.Add(kInsertVisit, Params().AddText("a").AddInt64(30));
    pipeline.Add(kCountVisits, Params());
    absl::StatusOr<std::vector<Result>> results = pipeline.Run();
    ASSERT_TRUE(results.ok()) << results.status();
    EXPECT_EQ((*results)[1].GetInt64(0, 0), 1);
  }
  EXPECT_EQ(Visits(), "0");
}

TEST_F(PipelineTest, ItRunsOnce) {
  Pipeline pipeline(*db_);
  pipeline.Add(kCountVisits, Params());
  ASSERT_TRUE(pipeline.Run().ok());
  EXPECT_EQ(pipeline.Run().status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace glutecare::postgres
