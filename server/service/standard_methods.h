// What the AIP standard methods share. Get (AIP-131) and List (AIP-132)
// methods that do nothing but name a resource (or a parent) and hand it to
// one Store method take their whole handler from here, so that such a
// method reads as what it serves:
//
//   grpc::ServerUnaryReactor* GetTherapist(...) {
//     return calls_.Run(context, *request,
//                       GetMethod(store_, &Store::GetTherapist, *request,
//                                 response));
//   }
//
// A method that checks more than its name (filters, wildcards, revisions)
// writes its own body, with ListInto for the paging.
#ifndef GLUTECARE_SERVER_SERVICE_STANDARD_METHODS_H_
#define GLUTECARE_SERVER_SERVICE_STANDARD_METHODS_H_

#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "server/common/status.h"
#include "server/domain/validation.h"
#include "server/storage/store.h"

namespace glutecare {

// The body of a List method: validates the requested page size, asks
// `list` (a callable taking a PageRequest and returning
// absl::StatusOr<Page<T>>) for the page, and moves it into the response's
// repeated field and next_page_token.
template <typename T, typename ListFn>
absl::Status ListInto(int32_t requested_page_size,
                      const std::string& page_token, ListFn list,
                      google::protobuf::RepeatedPtrField<T>* items,
                      std::string* next_page_token) {
  GLUTECARE_ASSIGN_OR_RETURN(int32_t page_size,
                             EffectivePageSize(requested_page_size));
  GLUTECARE_ASSIGN_OR_RETURN(Page<T> page,
                             list(PageRequest{page_size, page_token}));
  items->Reserve(static_cast<int>(page.items.size()));
  for (T& item : page.items) *items->Add() = std::move(item);
  *next_page_token = std::move(page.next_page_token);
  return absl::OkStatus();
}

// The handler of a Get method: parses `request.name()` as the resource name
// that `get` takes (INVALID_ARGUMENT naming the field `name` if it is not
// one), reads the resource with `get` and answers it in `*response`; the
// store's error (NOT_FOUND for a missing resource) otherwise.
// REQUIRES: `store`, `request` and `response` outlive the handler (the
// request and response belong to the call it serves).
template <typename Name, typename T, typename Request>
auto GetMethod(Store& store, absl::StatusOr<T> (Store::*get)(const Name&),
               const Request& request, T* response) {
  return [&store, get, &request, response]() -> absl::Status {
    GLUTECARE_ASSIGN_OR_RETURN(Name name, Name::Parse(request.name(), "name"));
    GLUTECARE_ASSIGN_OR_RETURN(*response, (store.*get)(name));
    return absl::OkStatus();
  };
}

// The handler of a List method with no filter: parses `request.parent()` as
// the parent that `list` takes (INVALID_ARGUMENT naming the field `parent`
// if it is not one), then answers the page that `request.page_size()` and
// `request.page_token()` ask for in `*items` and
// `response->next_page_token()` (see ListInto).
// REQUIRES: `store`, `request` and `response` outlive the handler, and
// `items` is a field of `*response`.
template <typename Parent, typename T, typename Request, typename Response>
auto ListMethod(Store& store,
                absl::StatusOr<Page<T>> (Store::*list)(const Parent&,
                                                       const PageRequest&),
                const Request& request,
                google::protobuf::RepeatedPtrField<T>* items,
                Response* response) {
  return [&store, list, &request, items, response]() -> absl::Status {
    GLUTECARE_ASSIGN_OR_RETURN(Parent parent,
                               Parent::Parse(request.parent(), "parent"));
    return ListInto(
        request.page_size(), request.page_token(),
        [&](const PageRequest& page) { return (store.*list)(parent, page); },
        items, response->mutable_next_page_token());
  };
}

// The etag an Update method (AIP-134) applies to: `sent`, the one in the
// request, or when the client sent none that of `current`, the stored
// version the update was merged onto. So an update without an etag is
// still safe against a concurrent one: the store applies it only to the
// version it was merged onto (ABORTED otherwise).
inline const std::string& EtagToMatch(const std::string& sent,
                                      const std::string& current) {
  return sent.empty() ? current : sent;
}

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_SERVICE_STANDARD_METHODS_H_
