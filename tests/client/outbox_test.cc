#include "client/outbox.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "client/delivery.h"
#include "gtest/gtest.h"

namespace glutecare::client {
namespace {

// A fresh folder under /tmp, removed at the end of the test.
class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char folder[] = "/tmp/glutecare-outbox-test-XXXXXX";
    ASSERT_NE(mkdtemp(folder), nullptr);
    folder_ = folder;
    path_ = folder_ + "/data/glutecare/outbox.db";
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }

  std::unique_ptr<Outbox> OpenOrDie() {
    absl::StatusOr<std::unique_ptr<Outbox>> outbox =
        Outbox::Open(path_, /*create=*/true);
    EXPECT_TRUE(outbox.ok()) << outbox.status();
    return outbox.ok() ? *std::move(outbox) : nullptr;
  }

  static OutboxEntry Entry(const std::string& request_id,
                           OutboxKind kind = OutboxKind::kSession) {
    return {.server = "127.0.0.1:50051",
            .parent = "clinics/c1/patients/p1",
            .kind = kind,
            .request_id = request_id,
            .request = std::string("\x0a\x00\x12", 3),
            .last_error = "UNAVAILABLE: down"};
  }

  std::string folder_;
  std::string path_;
};

TEST_F(OutboxTest, OpeningWithoutCreateFindsNoFile) {
  EXPECT_TRUE(absl::IsNotFound(Outbox::Open(path_, false).status()));
  EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST_F(OutboxTest, CreatesOwnerOnlyFolderAndFile) {
  ASSERT_NE(OpenOrDie(), nullptr);
  struct stat info;
  ASSERT_EQ(stat(path_.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  ASSERT_EQ(stat((folder_ + "/data/glutecare").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700);
}

TEST_F(OutboxTest, AddListRemoveSurvivesReopen) {
  {
    std::unique_ptr<Outbox> outbox = OpenOrDie();
    ASSERT_NE(outbox, nullptr);
    ASSERT_TRUE(outbox->Add(Entry("r1")).ok());
    ASSERT_TRUE(outbox->Add(Entry("r2", OutboxKind::kPainReport)).ok());
  }
  std::unique_ptr<Outbox> outbox = OpenOrDie();
  absl::StatusOr<std::vector<OutboxEntry>> entries = outbox->List();
  ASSERT_TRUE(entries.ok()) << entries.status();
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].request_id, "r1");
  EXPECT_EQ((*entries)[0].kind, OutboxKind::kSession);
  EXPECT_EQ((*entries)[0].request, std::string("\x0a\x00\x12", 3));
  EXPECT_EQ((*entries)[0].parent, "clinics/c1/patients/p1");
  EXPECT_EQ((*entries)[0].last_error, "UNAVAILABLE: down");
  EXPECT_EQ((*entries)[1].kind, OutboxKind::kPainReport);
  EXPECT_EQ(*outbox->CountWaiting(), 2);

  EXPECT_TRUE(outbox->Remove((*entries)[0].id).ok());
  EXPECT_TRUE(absl::IsNotFound(outbox->Remove((*entries)[0].id)));
  EXPECT_EQ(outbox->List()->size(), 1u);
}

TEST_F(OutboxTest, TheSameSubmissionIsKeptOnce) {
  std::unique_ptr<Outbox> outbox = OpenOrDie();
  ASSERT_NE(outbox, nullptr);
  const absl::StatusOr<int64_t> first = outbox->Add(Entry("r1"));
  const absl::StatusOr<int64_t> again = outbox->Add(Entry("r1"));
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(*first, *again);
  EXPECT_EQ(outbox->List()->size(), 1u);
}

TEST_F(OutboxTest, FailedEntriesStayButAreNotWaiting) {
  std::unique_ptr<Outbox> outbox = OpenOrDie();
  ASSERT_NE(outbox, nullptr);
  const int64_t failed = *outbox->Add(Entry("r1"));
  const int64_t waiting = *outbox->Add(Entry("r2"));
  ASSERT_TRUE(outbox->MarkFailed(failed, "INVALID_ARGUMENT: bad").ok());
  ASSERT_TRUE(outbox->NoteAttempt(waiting, "UNAVAILABLE: still down").ok());

  const std::vector<OutboxEntry> all = *outbox->List();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].state, OutboxState::kFailed);
  EXPECT_EQ(all[0].last_error, "INVALID_ARGUMENT: bad");
  EXPECT_EQ(all[0].attempts, 1);
  EXPECT_EQ(all[1].state, OutboxState::kWaiting);
  EXPECT_EQ(all[1].attempts, 1);
  const std::vector<OutboxEntry> to_send = *outbox->Waiting("127.0.0.1:50051");
  ASSERT_EQ(to_send.size(), 1u);
  EXPECT_EQ(to_send[0].id, waiting);
  EXPECT_TRUE(outbox->Waiting("other:1")->empty());
  EXPECT_EQ(*outbox->CountWaiting(), 1);
}

TEST(OutboxPathTest, OverrideThenXdgThenHome) {
  EXPECT_EQ(*DefaultOutboxPath("/x/o.db", "/xdg", "/home/u"), "/x/o.db");
  EXPECT_EQ(*DefaultOutboxPath(nullptr, "/xdg", "/home/u"),
            "/xdg/glutecare/outbox.db");
  EXPECT_EQ(*DefaultOutboxPath("", "relative", "/home/u"),
            "/home/u/.local/share/glutecare/outbox.db");
  EXPECT_FALSE(DefaultOutboxPath(nullptr, nullptr, nullptr).ok());
}

TEST(DeliveryTest, OnlyUnreachableSubmissionsAreKept) {
  struct Case {
    absl::StatusCode code;
    bool kept;
  };
  for (const Case& c : {Case{absl::StatusCode::kUnavailable, true},
                        Case{absl::StatusCode::kDeadlineExceeded, true},
                        Case{absl::StatusCode::kInvalidArgument, false},
                        Case{absl::StatusCode::kPermissionDenied, false},
                        Case{absl::StatusCode::kUnauthenticated, false},
                        Case{absl::StatusCode::kNotFound, false},
                        Case{absl::StatusCode::kResourceExhausted, false}}) {
    SCOPED_TRACE(absl::StatusCodeToString(c.code));
    EXPECT_EQ(ShouldKeepInOutbox(c.code), c.kept);
  }
}

TEST(DeliveryTest, VerdictOfEachOutcome) {
  struct Case {
    absl::StatusCode code;
    DeliveryVerdict verdict;
  };
  for (const Case& c :
       {Case{absl::StatusCode::kOk, DeliveryVerdict::kDelivered},
        Case{absl::StatusCode::kAlreadyExists, DeliveryVerdict::kDelivered},
        Case{absl::StatusCode::kUnavailable, DeliveryVerdict::kKeepWaiting},
        Case{absl::StatusCode::kDeadlineExceeded,
             DeliveryVerdict::kKeepWaiting},
        Case{absl::StatusCode::kPermissionDenied,
             DeliveryVerdict::kKeepWaiting},
        Case{absl::StatusCode::kInvalidArgument, DeliveryVerdict::kFailed},
        Case{absl::StatusCode::kNotFound, DeliveryVerdict::kFailed},
        Case{absl::StatusCode::kFailedPrecondition,
             DeliveryVerdict::kFailed}}) {
    SCOPED_TRACE(absl::StatusCodeToString(c.code));
    EXPECT_EQ(VerdictFor(c.code), c.verdict);
  }
}

}  // namespace
}  // namespace glutecare::client
