// How alerts read for people: a row of `alerts list`, a line of
// `alerts watch`, and the whole alert after `alerts ack|resolve`. Pure
// functions of the messages, no gRPC.
#ifndef GLUTECARE_CLIENT_VIEWS_ALERT_H_
#define GLUTECARE_CLIENT_VIEWS_ALERT_H_

#include <ostream>
#include <string>

#include "client/output.h"
#include "glutecare/v1/alert.pb.h"

namespace glutecare::client {

// SEQ, PATIENT, ID, RULE, STATE, DATE, SUMMARY: the patient's and the alert's
// ids are what `alerts ack PATIENT/ID` takes.
Columns<v1::Alert> AlertColumns();

// One alert on one line, for a stream:
//   [12] 2026-11-03 p1/a1 post-exercise-pain (open): Pain after ...
std::string FormatAlertLine(const v1::Alert& alert);

// Every field of `alert`, one per line.
void PrintAlert(const v1::Alert& alert, std::ostream& out);

}  // namespace glutecare::client

#endif  // GLUTECARE_CLIENT_VIEWS_ALERT_H_
