// The working set of a plan function (PlanAlerts, PlanSuggestions): the
// stored values a call may change and the new ones it makes, in one list so
// that a later input of the call sees what an earlier one did, split at the
// end into the writes.
//
//   PlanWork<v1::Alert> work(stored.unresolved);
//   work[i].set_summary(...);  work.MarkChanged(i);
//   v1::Alert& made = work.Add();
//   std::move(work).Split(&plan.inserts, &plan.updates);
#ifndef GLUTECARE_SERVER_DOMAIN_PLAN_WORK_H_
#define GLUTECARE_SERVER_DOMAIN_PLAN_WORK_H_

#include <cstddef>
#include <utility>
#include <vector>

namespace glutecare {

template <typename T>
class PlanWork final {
 public:
  // Starts from the stored values, none changed yet.
  explicit PlanWork(std::vector<T> stored)
      : items_(std::move(stored)), changed_(items_.size(), false) {}

  // Stored values first, in the order given, then new ones in the order made.
  size_t size() const { return items_.size(); }
  T& operator[](size_t i) { return items_[i]; }

  // Records that the value at `i` changed; a stored one is then written.
  void MarkChanged(size_t i) {
    if (i < changed_.size()) changed_[i] = true;
  }

  // A new value, default-constructed, at index size() - 1. Invalidates
  // references to the others.
  T& Add() { return items_.emplace_back(); }

  // Appends the new values, in the order made, to `*made` and the stored
  // values that changed, in their order, to `*changed`.
  void Split(std::vector<T>* made, std::vector<T>* changed) && {
    for (size_t i = 0; i < items_.size(); ++i) {
      if (i >= changed_.size()) {
        made->push_back(std::move(items_[i]));
      } else if (changed_[i]) {
        changed->push_back(std::move(items_[i]));
      }
    }
  }

 private:
  std::vector<T> items_;
  // One flag per stored value.
  std::vector<bool> changed_;
};

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_DOMAIN_PLAN_WORK_H_
