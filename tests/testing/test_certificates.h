// Certificates for TLS tests, made at test time with the openssl command: a
// CA (ca.pem/ca.key), a server certificate for localhost and 127.0.0.1
// (server.pem/server.key), a client certificate from the same CA
// (client.pem/client.key), and one from a CA nobody trusts
// (intruder.pem/intruder.key).
#ifndef GLUTECARE_TESTS_TESTING_TEST_CERTIFICATES_H_
#define GLUTECARE_TESTS_TESTING_TEST_CERTIFICATES_H_

#include <cstdlib>
#include <string>

#include "tests/testing/text_file.h"

namespace glutecare::testing {

// Writes the files above into `dir`. Returns "" on success, else openssl's
// output.
inline std::string MakeTestCertificates(const std::string& dir) {
  const std::string log = dir + "/openssl.log";
  const std::string script =
      "(set -e; cd '" + dir +
      "'; "
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=test-ca "
      "-keyout ca.key -out ca.pem; "
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=rogue-ca "
      "-keyout rogue.key -out rogue.pem; "
      "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > san.ext; "
      "openssl req -newkey rsa:2048 -nodes -subj /CN=localhost "
      "-keyout server.key -out server.csr; "
      "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key "
      "-CAcreateserial -days 1 -extfile san.ext -out server.pem; "
      "openssl req -newkey rsa:2048 -nodes -subj /CN=clinic-ehr "
      "-keyout client.key -out client.csr; "
      "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key "
      "-CAcreateserial -days 1 -out client.pem; "
      "openssl req -newkey rsa:2048 -nodes -subj /CN=intruder "
      "-keyout intruder.key -out intruder.csr; "
      "openssl x509 -req -in intruder.csr -CA rogue.pem -CAkey rogue.key "
      "-CAcreateserial -days 1 -out intruder.pem) > '" +
      log + "' 2>&1";
  if (std::system(script.c_str()) == 0) return "";
  const std::string output = ReadTextFile(log);
  return output.empty() ? "openssl failed" : output;
}

}  // namespace glutecare::testing

#endif  // GLUTECARE_TESTS_TESTING_TEST_CERTIFICATES_H_
