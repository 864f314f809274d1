// Where a test finds the binaries and files it runs: CMake passes their paths
// relative to the folder of the test binary ("../../server/glutecare-server"),
// and FromTestBinary makes them whole at run time. No absolute path of the
// checkout is compiled into a test, so a clone in another folder hits the
// ccache that a build here filled.
//
//   RunProcess({FromTestBinary(GLUTECARE_SERVER_BINARY), "bootstrap", ...});
#ifndef GLUTECARE_TESTS_TESTING_BUILD_PATHS_H_
#define GLUTECARE_TESTS_TESTING_BUILD_PATHS_H_

#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace glutecare::testing {

// `relative`, a path from the folder of the running test binary, as a whole
// path; an absolute `relative` is returned as it is.
inline std::string FromTestBinary(std::string_view relative) {
  const std::filesystem::path path(relative);
  if (path.is_absolute()) return path.string();
  std::error_code error;
  const std::filesystem::path self =
      std::filesystem::read_symlink("/proc/self/exe", error);
  return (self.parent_path() / path).lexically_normal().string();
}

}  // namespace glutecare::testing

#endif  // GLUTECARE_TESTS_TESTING_BUILD_PATHS_H_
