#include "server/storage/postgres/connection_pool.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace glutecare::postgres {

void ConnectionPool::ReturnToPool::operator()(Connection* connection) const {
  pool->GiveBack(std::unique_ptr<Connection>(connection));
}

absl::StatusOr<std::unique_ptr<ConnectionPool>> ConnectionPool::Open(
    Options options) {
  if (options.size < 1) {
    return absl::InvalidArgumentError("a pool needs at least one connection");
  }
  absl::StatusOr<std::unique_ptr<Connection>> first =
      Connection::Open(options.uri);
  if (!first.ok()) return first.status();
  std::unique_ptr<ConnectionPool> pool(new ConnectionPool(std::move(options)));
  absl::MutexLock lock(&pool->mu_);
  pool->free_.push_back(*std::move(first));
  pool->open_ = 1;
  return pool;
}

absl::StatusOr<ConnectionPool::Lease> ConnectionPool::Acquire() {
  {
    absl::MutexLock lock(&mu_);
    const bool ready = mu_.AwaitWithTimeout(
        absl::Condition(
            +[](ConnectionPool* pool) ABSL_NO_THREAD_SAFETY_ANALYSIS {
              return !pool->free_.empty() ||
                     pool->open_ < pool->options_.size;
            },
            this),
        options_.acquire_timeout);
    if (!ready) {
      return absl::UnavailableError(absl::StrCat(
          "all ", options_.size, " connections to PostgreSQL stayed busy for ",
          absl::FormatDuration(options_.acquire_timeout)));
    }
    if (!free_.empty()) {
      std::unique_ptr<Connection> connection = std::move(free_.back());
      free_.pop_back();
      return Lease(connection.release(), ReturnToPool{this});
    }
    ++open_;  // this thread's slot, while it connects without the lock
  }
  absl::StatusOr<std::unique_ptr<Connection>> connection =
      Connection::Open(options_.uri);
  if (!connection.ok()) {
    absl::MutexLock lock(&mu_);
    --open_;
    return connection.status();
  }
  return Lease(connection->release(), ReturnToPool{this});
}

void ConnectionPool::GiveBack(std::unique_ptr<Connection> connection) {
  if (!connection->reusable()) {
    connection.reset();  // closes it, without the lock
    absl::MutexLock lock(&mu_);
    --open_;
    return;
  }
  absl::MutexLock lock(&mu_);
  free_.push_back(std::move(connection));
}

int ConnectionPool::open() const {
  absl::MutexLock lock(&mu_);
  return open_;
}

int ConnectionPool::lent() const {
  absl::MutexLock lock(&mu_);
  return open_ - static_cast<int>(free_.size());
}

}  // namespace glutecare::postgres
