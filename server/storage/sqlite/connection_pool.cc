#include "server/storage/sqlite/connection_pool.h"

#include <utility>

#include "common/status_macros.h"

namespace glutecare::sqlite {

ConnectionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_),
      connection_(std::exchange(other.connection_, nullptr)) {}

ConnectionPool::Lease::~Lease() {
  if (connection_ != nullptr) pool_->GiveBack(connection_);
}

absl::StatusOr<std::unique_ptr<ConnectionPool>> ConnectionPool::Open(
    const Connection::Options& options, int size) {
  if (size < 1) {
    return absl::InvalidArgumentError("a pool needs at least one connection");
  }
  std::unique_ptr<ConnectionPool> pool(new ConnectionPool(options, size));
  absl::MutexLock lock(&pool->mu_);
  GLUTECARE_RETURN_IF_ERROR(pool->OpenConnections());
  return pool;
}

absl::StatusOr<ConnectionPool::Lease> ConnectionPool::Acquire() {
  absl::MutexLock lock(&mu_);
  ++waiting_;
  mu_.Await(absl::Condition(
      +[](ConnectionPool* pool) ABSL_NO_THREAD_SAFETY_ANALYSIS {
        return !pool->reopening_ &&
               (!pool->free_.empty() || pool->connections_.empty());
      },
      this));
  --waiting_;
  if (free_.empty()) {
    return absl::UnavailableError(
        "the database's connections are closed: reopening them failed");
  }
  Connection* connection = free_.back();
  free_.pop_back();
  return Lease(this, connection);
}

void ConnectionPool::GiveBack(Connection* connection) {
  absl::MutexLock lock(&mu_);
  free_.push_back(connection);
}

int ConnectionPool::lent() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(connections_.size() - free_.size());
}

int ConnectionPool::waiting() const {
  absl::MutexLock lock(&mu_);
  return waiting_;
}

absl::Status ConnectionPool::Reopen(
    absl::Duration wait, absl::FunctionRef<absl::Status()> while_closed) {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](ConnectionPool* pool) ABSL_NO_THREAD_SAFETY_ANALYSIS {
        return !pool->reopening_;
      },
      this));
  reopening_ = true;
  const bool all_back = mu_.AwaitWithTimeout(
      absl::Condition(
          +[](ConnectionPool* pool) ABSL_NO_THREAD_SAFETY_ANALYSIS {
            return pool->free_.size() == pool->connections_.size();
          },
          this),
      wait);
  if (!all_back) {
    reopening_ = false;
    return absl::UnavailableError("reads in flight did not end in time");
  }
  free_.clear();
  connections_.clear();
  // Not under mu_: `while_closed` may take a while, and may ask how the
  // pool is doing. Acquire and other Reopens wait for reopening_.
  mu_.Unlock();
  absl::Status reopened = while_closed();
  mu_.Lock();
  if (reopened.ok()) reopened = OpenConnections();
  reopening_ = false;
  return reopened;
}

absl::Status ConnectionPool::OpenConnections() {
  std::vector<std::unique_ptr<Connection>> opened;
  for (int i = 0; i < size_; ++i) {
    GLUTECARE_ASSIGN_OR_RETURN(std::unique_ptr<Connection> connection,
                               Connection::Open(options_));
    opened.push_back(std::move(connection));
  }
  connections_ = std::move(opened);
  for (auto& connection : connections_) free_.push_back(connection.get());
  return absl::OkStatus();
}

}  // namespace glutecare::sqlite
