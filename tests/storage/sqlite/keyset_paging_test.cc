#include "server/storage/sqlite/keyset_paging.h"

#include <memory>
#include <string>
#include <vector>

#include "common/status_macros.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/status.h"
#include "tests/testing/temp_dir.h"

namespace glutecare::sqlite_store_internal {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using sqlite::Connection;

// Items of a list, newest first as the store's lists of sessions and pain
// reports are: by a sort key descending, ties by pk descending. An item's
// body is a Clinic whose display name is its label.
constexpr const char* kByNumber =
    "SELECT number, pk, body FROM items "
    "WHERE list = ?1 AND (?2 IS NULL OR (number, pk) < (?2, ?3)) "
    "ORDER BY number DESC, pk DESC LIMIT ?4";
constexpr const char* kByText =
    "SELECT text, pk, body FROM items "
    "WHERE list = ?1 AND (?2 IS NULL OR (text, pk) < (?2, ?3)) "
    "ORDER BY text DESC, pk DESC LIMIT ?4";

class KeysetPagingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    absl::StatusOr<std::unique_ptr<Connection>> db =
        Connection::Open({.path = dir_.File("test.db")});
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    ASSERT_TRUE(db_->Exec("CREATE TABLE items (pk INTEGER PRIMARY KEY, "
                          "list INTEGER, number INTEGER, text TEXT, body BLOB)")
                    .ok());
  }

  // Stores an item of list 1 labelled `label`; its pk is the next one.
  void Add(const std::string& label, int64_t number, const std::string& text) {
    v1::Clinic body;
    body.set_display_name(label);
    absl::StatusOr<sqlite::Statement> stmt = db_->Prepare(
        "INSERT INTO items (list, number, text, body) VALUES (1, ?1, ?2, ?3)");
    ASSERT_TRUE(stmt.ok()) << stmt.status();
    stmt->BindInt64(1, number).BindText(2, text).BindBlob(
        3, body.SerializeAsString());
    ASSERT_TRUE(stmt->Run().ok());
  }

  absl::StatusOr<Page<v1::Clinic>> List(const char* sql, int page_size,
                                        const std::string& page_token,
                                        const std::string& query = "items:1") {
    GLUTECARE_ASSIGN_OR_RETURN(sqlite::Statement stmt, db_->Prepare(sql));
    stmt.BindInt64(1, 1);
    return RunListQuery<v1::Clinic>(
        stmt, query, {.page_size = page_size, .page_token = page_token},
        BodyAt<v1::Clinic>(2));
  }

  // The labels of every page, following next_page_token to the end (at
  // most 100 pages).
  std::vector<std::vector<std::string>> AllPages(const char* sql,
                                                 int page_size) {
    std::vector<std::vector<std::string>> pages;
    std::string token;
    do {
      absl::StatusOr<Page<v1::Clinic>> page = List(sql, page_size, token);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      pages.push_back(Labels(*page));
      token = page->next_page_token;
    } while (!token.empty() && pages.size() < 100);
    return pages;
  }

  static std::vector<std::string> Labels(const Page<v1::Clinic>& page) {
    std::vector<std::string> labels;
    for (const v1::Clinic& item : page.items) {
      labels.push_back(item.display_name());
    }
    return labels;
  }

  testing::TempDir dir_;
  std::unique_ptr<Connection> db_;
};

TEST_F(KeysetPagingTest, PagesHoldEveryRowOnceInOrderWhateverTheKeysType) {
  // Equal sort keys are ordered by pk: c before b, e before d.
  Add("a", 5, "2026-11-05");
  Add("b", 3, "2026-11-03");
  Add("c", 3, "2026-11-03");
  Add("d", 2, "2026-11-02");
  Add("e", 2, "2026-11-02");
  Add("f", 1, "2026-11-01");
  Add("g", 0, "2026-10-31");
  for (const char* sql : {kByNumber, kByText}) {
    SCOPED_TRACE(sql);
    EXPECT_THAT(AllPages(sql, 3),
                ElementsAre(ElementsAre("a", "c", "b"),
                            ElementsAre("e", "d", "f"), ElementsAre("g")));
    EXPECT_THAT(AllPages(sql, 7),
                ElementsAre(ElementsAre("a", "c", "b", "e", "d", "f", "g")));
  }
}

TEST_F(KeysetPagingTest, AFullLastPageHasNoNextPageToken) {
  Add("a", 2, "b");
  Add("b", 1, "a");
  absl::StatusOr<Page<v1::Clinic>> page = List(kByNumber, 2, "");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(Labels(*page), ElementsAre("a", "b"));
  EXPECT_EQ(page->next_page_token, "");
}

TEST_F(KeysetPagingTest, WritesBetweenPagesNeitherSkipNorRepeatARow) {
  for (int i = 9; i >= 1; --i) {
    Add("old" + std::to_string(i), i, "");
  }
  absl::StatusOr<Page<v1::Clinic>> first = List(kByNumber, 3, "");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_THAT(Labels(*first), ElementsAre("old9", "old8", "old7"));

  // A row of the first page goes: an OFFSET would now skip old6. A new row
  // sorting after the cursor is on a later page (before old4: same number,
  // higher pk).
  ASSERT_TRUE(db_->Exec("DELETE FROM items WHERE number = 8").ok());
  Add("late", 4, "");

  std::vector<std::string> rest;
  std::string token = first->next_page_token;
  for (int pages = 0; !token.empty() && pages < 100; ++pages) {
    absl::StatusOr<Page<v1::Clinic>> page = List(kByNumber, 3, token);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const std::string& label : Labels(*page)) rest.push_back(label);
    token = page->next_page_token;
  }
  EXPECT_THAT(rest, ElementsAreArray({"old6", "old5", "late", "old4", "old3",
                                      "old2", "old1"}));
}

TEST_F(KeysetPagingTest, ATokenOfAnotherQueryIsRejectedAsTheField) {
  Add("a", 2, "");
  Add("b", 1, "");
  absl::StatusOr<Page<v1::Clinic>> page = List(kByNumber, 1, "");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_NE(page->next_page_token, "");

  absl::StatusOr<Page<v1::Clinic>> other =
      List(kByNumber, 1, page->next_page_token, "items:2");
  EXPECT_EQ(other.status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_FALSE(FieldViolationsOf(other.status()).empty());
  EXPECT_EQ(FieldViolationsOf(other.status())[0].field, "page_token");
}

TEST_F(KeysetPagingTest, AStoredBodyThatDoesNotParseIsDataLoss) {
  Add("a", 1, "");
  ASSERT_TRUE(db_->Exec("UPDATE items SET body = x'ffffffff'").ok());
  EXPECT_EQ(List(kByNumber, 10, "").status().code(),
            absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace glutecare::sqlite_store_internal
