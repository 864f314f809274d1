// Reading a file whole, for tests that check what something wrote.
#ifndef GLUTECARE_TESTS_TESTING_TEXT_FILE_H_
#define GLUTECARE_TESTS_TESTING_TEXT_FILE_H_

#include <fstream>
#include <sstream>
#include <string>

namespace glutecare::testing {

// The contents of `path`, or "" when it cannot be read.
inline std::string ReadTextFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

}  // namespace glutecare::testing

#endif  // GLUTECARE_TESTS_TESTING_TEXT_FILE_H_
