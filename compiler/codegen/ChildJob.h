// A job run in a forked copy of nnc, beside the parent: how a compilation
// uses both cores and still gives the same program byte for byte.
//
// Why a process, not a thread: Halide names what it generates (parallel
// loops' closures, kernels, temporaries) from process-wide counters, kept in
// buckets by a hash of the name. Two jobs on threads take names in whatever
// order they reach a shared bucket, so a closure came out as f or as f__1 from
// one compile to the next. A child counts from its own copy of the counters,
// fixed at the fork, so its names are those it would get alone.
#pragma once
#include <sys/types.h>

#include <functional>
#include <string>

namespace nnc::codegen {

class ChildJob {
 public:
  // Forks and runs `job` in the child. Start every child while this process
  // has no other thread: a lock another thread held at the fork would stay
  // held in the child for ever. Where fork fails, the job runs here, now.
  explicit ChildJob(const std::function<void()>& job);
  ChildJob(ChildJob&& other) noexcept;
  ChildJob(const ChildJob&) = delete;
  ChildJob& operator=(const ChildJob&) = delete;
  ChildJob& operator=(ChildJob&&) = delete;
  // A child not waited for (the parent failed first) is stopped.
  ~ChildJob();

  // Waits for the child. The phases it timed join this process's time
  // report; its error is rethrown here as a std::runtime_error.
  void wait();

 private:
  pid_t pid_ = -1;     // -1: nothing to wait for
  int from_child_ = -1;  // the pipe the child reports through
};

}  // namespace nnc::codegen
