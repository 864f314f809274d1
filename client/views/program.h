// How a program revision reads for people: its fields, then a table of its
// prescriptions. Shared by `program show|assign|update` and
// `suggestions accept`, which all print the revision they read or made.
#ifndef GLUTECARE_CLIENT_VIEWS_PROGRAM_H_
#define GLUTECARE_CLIENT_VIEWS_PROGRAM_H_

#include <ostream>

#include "glutecare/v1/program.pb.h"

namespace glutecare::client {

//   name:       clinics/c1/patients/p1/programs/phase-1
//   revision:   2
//   ...
//
//   EXERCISE   SETS x REPS  LOAD        PER WEEK  NOTES
//   clamshell  3 x 15       band-light  3         -
void PrintProgram(const v1::Program& program, std::ostream& out);

}  // namespace glutecare::client

#endif  // GLUTECARE_CLIENT_VIEWS_PROGRAM_H_
