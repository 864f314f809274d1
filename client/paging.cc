#include "client/paging.h"

namespace glutecare::client {

void AddPageFlags(CLI::App& command, PageFlags& flags) {
  command.add_option("--page-size", flags.page_size, "Most results per page")
      ->check(CLI::NonNegativeNumber);
  command.add_option("--page-token", flags.page_token,
                     "Continue from an earlier list's next page");
  command.add_flag("--all", flags.all, "Follow the pages to the end");
}

void PrintNextPageHint(const std::string& token, std::ostream& out) {
  if (!token.empty()) out << "next page: --page-token " << token << "\n";
}

}  // namespace glutecare::client
