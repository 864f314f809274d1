#include "server/domain/alert_plan.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace glutecare {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr auto kMissed = v1::ALERT_RULE_MISSED_SESSIONS;
constexpr auto kFlare = v1::ALERT_RULE_FLARE;

const PatientName kAlertPatient{"c", "p"};
const TherapistName kAlertTherapist{"c", "t"};

google::protobuf::Timestamp AlertStamp(int64_t seconds) {
  google::protobuf::Timestamp t;
  t.set_seconds(seconds);
  return t;
}

std::string AlertNamed(const std::string& id) {
  return AlertName{"c", "p", id}.ToString();
}

// A candidate of `rule` for event `key`, with summary and local_date `what`
// and its evidence.
AlertCandidate Fires(v1::AlertRule rule, const std::string& key,
                     const std::string& what,
                     std::vector<std::string> evidence = {}) {
  return {.rule = rule,
          .trigger_key = key,
          .local_date = what,
          .summary = what,
          .evidence = std::move(evidence)};
}

// A stored alert `id` of `rule` in `state`, telling `what`.
v1::Alert StoredAlert(const std::string& id, v1::AlertRule rule,
                      const std::string& what,
                      std::vector<std::string> evidence = {},
                      v1::AlertState state = v1::ALERT_STATE_OPEN) {
  v1::Alert alert;
  alert.set_name(AlertNamed(id));
  alert.set_rule(rule);
  alert.set_state(state);
  alert.set_summary(what);
  alert.set_local_date(what);
  for (std::string& e : evidence) alert.add_evidence(std::move(e));
  alert.set_therapist("clinics/c/therapists/before");
  *alert.mutable_create_time() = AlertStamp(10);
  *alert.mutable_update_time() = AlertStamp(20);
  return alert;
}

AlertTrigger RecordedOn(v1::AlertRule rule, const std::string& key,
                        const std::string& id) {
  return {.rule = rule, .trigger_key = key, .alert = AlertNamed(id)};
}

// "id:RULE:what:evidence+evidence" of each alert, for compact expectations.
std::vector<std::string> AlertLines(const std::vector<v1::Alert>& alerts) {
  std::vector<std::string> out;
  for (const v1::Alert& a : alerts) {
    EXPECT_EQ(a.summary(), a.local_date()) << a.ShortDebugString();
    out.push_back(absl::StrCat(a.name().substr(a.name().rfind('/') + 1), ":",
                               v1::AlertRule_Name(a.rule()).substr(11), ":",
                               a.summary(), ":",
                               absl::StrJoin(a.evidence(), "+")));
  }
  return out;
}

// "RULE/key>id" of each trigger.
std::vector<std::string> TriggerLines(const std::vector<AlertTrigger>& list) {
  std::vector<std::string> out;
  for (const AlertTrigger& t : list) {
    out.push_back(absl::StrCat(v1::AlertRule_Name(t.rule).substr(11), "/",
                               t.trigger_key, ">",
                               t.alert.substr(t.alert.rfind('/') + 1)));
  }
  return out;
}

TEST(PlanAlerts, RaisesJoinsRefreshesAndSkips) {
  struct Case {
    std::string name;
    StoredAlerts stored;
    std::vector<AlertCandidate> candidates;
    std::vector<std::string> inserts;
    std::vector<std::string> updates;
    std::vector<std::string> triggers;
  };
  const Case cases[] = {
      {"nothing stored: each rule raises a new alert, in candidate order",
       {},
       {Fires(kFlare, "f1", "flare", {"s1"}), Fires(kMissed, "m1", "gap")},
       {"n1:FLARE:flare:s1", "n2:MISSED_SESSIONS:gap:"},
       {},
       {"FLARE/f1>n1", "MISSED_SESSIONS/m1>n2"}},
      {"an unresolved alert of the rule takes a new event: evidence, summary",
       {.unresolved = {StoredAlert("a", kMissed, "old", {"s1"})},
        .triggers = {}},
       {Fires(kMissed, "m2", "new", {"s2"})},
       {},
       {"a:MISSED_SESSIONS:new:s1+s2"},
       {"MISSED_SESSIONS/m2>a"}},
      {"an unresolved alert of another rule does not",
       {.unresolved = {StoredAlert("a", kFlare, "old")}},
       {Fires(kMissed, "m1", "gap")},
       {"n1:MISSED_SESSIONS:gap:"},
       {},
       {"MISSED_SESSIONS/m1>n1"}},
      {"a recorded event, the rule's last, refreshes its unresolved alert",
       {.unresolved = {StoredAlert("a", kMissed, "3 days", {"s1"})},
        .triggers = {RecordedOn(kMissed, "m1", "a")}},
       {Fires(kMissed, "m1", "5 days", {"s9"})},
       {},
       {"a:MISSED_SESSIONS:5 days:s1"},
       {}},
      {"a recorded event with the same numbers changes nothing",
       {.unresolved = {StoredAlert("a", kMissed, "3 days")},
        .triggers = {RecordedOn(kMissed, "m1", "a")}},
       {Fires(kMissed, "m1", "3 days")},
       {},
       {},
       {}},
      {"a recorded event that is not the rule's last changes nothing itself",
       {.unresolved = {StoredAlert("a", kMissed, "old")},
        .triggers = {RecordedOn(kMissed, "m1", "a"),
                     RecordedOn(kMissed, "m2", "a")}},
       {Fires(kMissed, "m1", "first"), Fires(kMissed, "m2", "old")},
       {},
       {},
       {}},
      {"a recorded event whose alert was resolved changes nothing, not even "
       "the rule's unresolved alert",
       {.unresolved = {StoredAlert("b", kMissed, "now")},
        .triggers = {RecordedOn(kMissed, "m1", "gone")}},
       {Fires(kMissed, "m1", "changed", {"s1"})},
       {},
       {},
       {}},
      {"the last event is the rule's own: one of another rule after it does "
       "not stop the refresh",
       {.unresolved = {StoredAlert("a", kMissed, "old")},
        .triggers = {RecordedOn(kMissed, "m1", "a")}},
       {Fires(kMissed, "m1", "latest"), Fires(kFlare, "f1", "flare")},
       {"n1:FLARE:flare:"},
       {"a:MISSED_SESSIONS:latest:"},
       {"FLARE/f1>n1"}},
      // Within one call, each candidate sees what the earlier ones did.
      {"a rule's second event in a call joins the alert its first raised",
       {},
       {Fires(kMissed, "m1", "first", {"s1"}),
        Fires(kMissed, "m2", "second", {"s2"})},
       {"n1:MISSED_SESSIONS:second:s1+s2"},
       {},
       {"MISSED_SESSIONS/m1>n1", "MISSED_SESSIONS/m2>n1"}},
      {"an event twice in a call: the second, the rule's last, refreshes",
       {},
       {Fires(kMissed, "m1", "first", {"s1"}),
        Fires(kMissed, "m1", "again", {"s2"})},
       {"n1:MISSED_SESSIONS:again:s1"},
       {},
       {"MISSED_SESSIONS/m1>n1"}},
      {"an event twice in a call, then another: the repeat is skipped",
       {},
       {Fires(kMissed, "m1", "first", {"s1"}),
        Fires(kMissed, "m1", "again", {"s2"}),
        Fires(kMissed, "m2", "second", {"s3"})},
       {"n1:MISSED_SESSIONS:second:s1+s3"},
       {},
       {"MISSED_SESSIONS/m1>n1", "MISSED_SESSIONS/m2>n1"}},
      {"a stored alert joined and then refreshed in one call is one update",
       {.unresolved = {StoredAlert("a", kMissed, "old", {"s1"})},
        .triggers = {RecordedOn(kMissed, "m1", "a")}},
       {Fires(kMissed, "m2", "joined", {"s2"}),
        Fires(kMissed, "m1", "latest", {"s3"})},
       {},
       {"a:MISSED_SESSIONS:latest:s1+s2"},
       {"MISSED_SESSIONS/m2>a"}},
      {"an event recorded earlier in the call, not the rule's last, is "
       "skipped",
       {.unresolved = {StoredAlert("a", kMissed, "old")}},
       {Fires(kMissed, "m2", "joined", {"s2"}),
        Fires(kMissed, "m2", "repeat", {"s3"}),
        Fires(kMissed, "m3", "last", {"s4"})},
       {},
       {"a:MISSED_SESSIONS:last:s2+s4"},
       {"MISSED_SESSIONS/m2>a", "MISSED_SESSIONS/m3>a"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    int next = 0;
    const AlertPlan plan =
        PlanAlerts(kAlertPatient, kAlertTherapist, c.stored, c.candidates,
                   AlertStamp(100), [&] { return absl::StrCat("n", ++next); });
    EXPECT_EQ(AlertLines(plan.inserts), c.inserts);
    EXPECT_EQ(AlertLines(plan.updates), c.updates);
    EXPECT_EQ(TriggerLines(plan.triggers), c.triggers);
    EXPECT_EQ(next, static_cast<int>(plan.inserts.size()));
  }
}

TEST(PlanAlerts, ANewAlertIsOpenForTheCurrentTherapistStampedNow) {
  const AlertPlan plan =
      PlanAlerts(kAlertPatient, kAlertTherapist, {},
                 {Fires(kFlare, "f1", "2026-11-20", {"s1"})}, AlertStamp(100),
                 [] { return std::string("x"); });
  ASSERT_EQ(plan.inserts.size(), 1u);
  const v1::Alert& alert = plan.inserts[0];
  EXPECT_EQ(alert.name(), "clinics/c/patients/p/alerts/x");
  EXPECT_EQ(alert.rule(), kFlare);
  EXPECT_EQ(alert.state(), v1::ALERT_STATE_OPEN);
  EXPECT_EQ(alert.therapist(), "clinics/c/therapists/t");
  EXPECT_EQ(alert.local_date(), "2026-11-20");
  EXPECT_THAT(alert.evidence(), ElementsAre("s1"));
  EXPECT_EQ(alert.create_time().seconds(), 100);
  EXPECT_EQ(alert.update_time().seconds(), 100);
  EXPECT_EQ(alert.sequence(), 0);
}

TEST(PlanAlerts, AChangedAlertKeepsItsStateTherapistAndUpdateTime) {
  const AlertPlan plan = PlanAlerts(
      kAlertPatient, kAlertTherapist,
      {.unresolved = {StoredAlert("a", kMissed, "old", {},
                                  v1::ALERT_STATE_ACKNOWLEDGED)}},
      {Fires(kMissed, "m2", "new")}, AlertStamp(100),
      [] { return std::string("x"); });
  ASSERT_EQ(plan.updates.size(), 1u);
  const v1::Alert& alert = plan.updates[0];
  EXPECT_EQ(alert.state(), v1::ALERT_STATE_ACKNOWLEDGED);
  EXPECT_EQ(alert.therapist(), "clinics/c/therapists/before");
  EXPECT_EQ(alert.create_time().seconds(), 10);
  EXPECT_EQ(alert.update_time().seconds(), 20);
}

// An alert `id` with `keys` trigger keys.
CountedAlert Counted(const std::string& id, size_t keys,
                     v1::AlertState state = v1::ALERT_STATE_OPEN) {
  return {.alert = StoredAlert(id, kMissed, "gap", {}, state),
          .trigger_keys = keys};
}

AlertClearance ClearanceOf(const std::string& id, size_t keys_seen) {
  return {.alert = AlertNamed(id),
          .summary = "a session ended the gap",
          .evidence = {"s1"},
          .trigger_keys_seen = keys_seen};
}

TEST(ResolveCleared, ResolvesOnlyWhatTheDecisionSaw) {
  struct Case {
    std::string name;
    std::vector<CountedAlert> stored;
    std::vector<AlertClearance> clearances;
    std::vector<std::string> resolved;
  };
  const Case cases[] = {
      {"as the decision saw it: resolved",
       {Counted("a", 1)},
       {ClearanceOf("a", 1)},
       {"a"}},
      {"an acknowledged alert clears alike",
       {Counted("a", 2, v1::ALERT_STATE_ACKNOWLEDGED)},
       {ClearanceOf("a", 2)},
       {"a"}},
      {"resolved meanwhile: the therapist's resolution stands",
       {Counted("a", 1, v1::ALERT_STATE_RESOLVED)},
       {ClearanceOf("a", 1)},
       {}},
      {"an event recorded since the decision: left as it is",
       {Counted("a", 2)},
       {ClearanceOf("a", 1)},
       {}},
      {"fewer keys than the decision saw: left as it is",
       {Counted("a", 0)},
       {ClearanceOf("a", 1)},
       {}},
      {"several, in the order given, each on its own",
       {Counted("a", 1), Counted("b", 1), Counted("c", 1)},
       {ClearanceOf("c", 1), ClearanceOf("b", 2), ClearanceOf("a", 1)},
       {"c", "a"}},
      {"the same alert twice in a call is resolved once",
       {Counted("a", 1)},
       {ClearanceOf("a", 1), ClearanceOf("a", 1)},
       {"a"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::vector<std::string> resolved;
    for (const v1::Alert& alert :
         ResolveCleared(c.stored, c.clearances, AlertStamp(300))) {
      resolved.push_back(alert.name().substr(alert.name().rfind('/') + 1));
    }
    EXPECT_EQ(resolved, c.resolved);
  }
}

TEST(ResolveCleared, RecordsWhatClearedItAndWhenKeepingTheRest) {
  const std::vector<v1::Alert> resolved =
      ResolveCleared({Counted("a", 1)}, {ClearanceOf("a", 1)}, AlertStamp(300));
  ASSERT_EQ(resolved.size(), 1u);
  const v1::Alert& alert = resolved[0];
  EXPECT_EQ(alert.state(), v1::ALERT_STATE_RESOLVED);
  EXPECT_EQ(alert.resolution(), v1::ALERT_RESOLUTION_CONDITION_CLEARED);
  EXPECT_EQ(alert.resolution_summary(), "a session ended the gap");
  EXPECT_THAT(alert.resolution_evidence(), ElementsAre("s1"));
  EXPECT_EQ(alert.update_time().seconds(), 300);
  EXPECT_EQ(alert.summary(), "gap");
  EXPECT_EQ(alert.create_time().seconds(), 10);
}

TEST(MovedByTherapist, OnlyAnUnresolvedAlertMovesAndResolvingRecordsWho) {
  struct Case {
    std::string name;
    v1::AlertState from;
    v1::AlertResolution from_resolution;
    v1::AlertState to;
    // Expected: kOk with the moved alert, or the error; nullopt `moved`
    // means no change.
    absl::StatusCode code;
    std::optional<v1::AlertResolution> moved_resolution;
  };
  constexpr auto kOpen = v1::ALERT_STATE_OPEN;
  constexpr auto kAcknowledged = v1::ALERT_STATE_ACKNOWLEDGED;
  constexpr auto kResolved = v1::ALERT_STATE_RESOLVED;
  constexpr auto kNone = v1::ALERT_RESOLUTION_UNSPECIFIED;
  constexpr auto kTherapist = v1::ALERT_RESOLUTION_THERAPIST;
  constexpr auto kCleared = v1::ALERT_RESOLUTION_CONDITION_CLEARED;
  const Case cases[] = {
      {"open, acknowledged", kOpen, kNone, kAcknowledged, absl::StatusCode::kOk,
       kNone},
      {"open, resolved", kOpen, kNone, kResolved, absl::StatusCode::kOk,
       kTherapist},
      {"acknowledged, resolved", kAcknowledged, kNone, kResolved,
       absl::StatusCode::kOk, kTherapist},
      {"acknowledged again: no change", kAcknowledged, kNone, kAcknowledged,
       absl::StatusCode::kOk, std::nullopt},
      {"resolved by the therapist, again: no change", kResolved, kTherapist,
       kResolved, absl::StatusCode::kOk, std::nullopt},
      {"cleared, resolved by the therapist: no change", kResolved, kCleared,
       kResolved, absl::StatusCode::kOk, std::nullopt},
      {"resolved, acknowledged: refused", kResolved, kCleared, kAcknowledged,
       absl::StatusCode::kFailedPrecondition, std::nullopt},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    v1::Alert alert = StoredAlert("a", kMissed, "gap", {}, c.from);
    alert.set_resolution(c.from_resolution);
    const absl::StatusOr<std::optional<v1::Alert>> moved =
        MovedByTherapist(alert, c.to, AlertStamp(400));
    ASSERT_EQ(moved.status().code(), c.code) << moved.status();
    if (!moved.ok()) {
      EXPECT_THAT(std::string(moved.status().message()),
                  HasSubstr("a resolved alert stays resolved"));
      continue;
    }
    ASSERT_EQ(moved->has_value(), c.moved_resolution.has_value());
    if (!moved->has_value()) continue;
    const v1::Alert& after = **moved;
    EXPECT_EQ(after.state(), c.to);
    EXPECT_EQ(after.resolution(), *c.moved_resolution);
    EXPECT_EQ(after.update_time().seconds(), 400);
    EXPECT_EQ(after.summary(), "gap");
  }
}

}  // namespace
}  // namespace glutecare
