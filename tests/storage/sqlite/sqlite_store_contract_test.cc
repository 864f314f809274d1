// The Store contract suite (store_contract_test.cc) on the SQLite store.
#include <filesystem>

#include "server/storage/sqlite/sqlite_store.h"
#include "tests/storage/store_contract.h"

namespace glutecare {

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContractTest,
                         ::testing::Values(StoreFactory{
                             .name = "Sqlite",
                             .open =
                                 [](const std::filesystem::path& dir) {
                                   return OpenSqliteStore(
                                       {.path =
                                            (dir / "glutecare.db").string()});
                                 }}),
                         StoreFactoryName);

}  // namespace glutecare
