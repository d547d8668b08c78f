#include "compiler/codegen/ChildJob.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <stdexcept>

#include "compiler/codegen/TimeReport.h"

namespace nnc::codegen {
namespace {

// The child's report, one line per phase it timed ("P<seconds>\t<name>"),
// then, where the job failed, "E" and the error's text to the end.
struct Report {
  std::string text;
  bool failed = false;
};

Report run_and_report(const std::function<void()>& job) {
  const size_t phases_before = time_report_size();
  std::string failure;
  try {
    job();
  } catch (const std::exception& e) {
    failure = e.what();
  } catch (...) {
    failure = "an unknown error";
  }
  Report report;
  for (const auto& [name, seconds] : time_report_since(phases_before))
    report.text += "P" + std::to_string(seconds) + "\t" + name + "\n";
  report.failed = !failure.empty();
  if (report.failed) report.text += "E" + failure;
  return report;
}

void write_all(int fd, const std::string& text) {
  for (size_t done = 0; done < text.size();) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += size_t(n);
  }
}

std::string read_all(int fd) {
  std::string text;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return text;
    text.append(buffer, size_t(n));
  }
}

}  // namespace

ChildJob::ChildJob(const std::function<void()>& job) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) {
    job();
    return;
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    job();
    return;
  }
  if (pid == 0) {
    // The child: no exit handlers, destructors or leak checks of the
    // parent's state run here; the parent owns all of that.
    ::close(pipe_fds[0]);
    const Report report = run_and_report(job);
    write_all(pipe_fds[1], report.text);
    ::_exit(report.failed ? 1 : 0);
  }
  ::close(pipe_fds[1]);
  pid_ = pid;
  from_child_ = pipe_fds[0];
}

ChildJob::ChildJob(ChildJob&& other) noexcept : pid_(other.pid_), from_child_(other.from_child_) {
  other.pid_ = -1;
  other.from_child_ = -1;
}

ChildJob::~ChildJob() {
  if (pid_ < 0) return;
  ::kill(pid_, SIGKILL);
  ::close(from_child_);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
}

void ChildJob::wait() {
  if (pid_ < 0) return;
  const std::string report = read_all(from_child_);
  ::close(from_child_);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  size_t at = 0;
  while (at < report.size() && report[at] == 'P') {
    const size_t tab = report.find('\t', at), end = report.find('\n', at);
    if (tab == std::string::npos || end == std::string::npos) break;
    add_to_time_report(report.substr(tab + 1, end - tab - 1), std::stod(report.substr(at + 1, tab - at - 1)));
    at = end + 1;
  }
  if (at < report.size() && report[at] == 'E') throw std::runtime_error(report.substr(at + 1));
  if (WIFSIGNALED(status))
    throw std::runtime_error(std::string("a code generation job was killed by signal ") + std::to_string(WTERMSIG(status)) +
                             " (" + strsignal(WTERMSIG(status)) + ")");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error("a code generation job failed without a message");
}

}  // namespace nnc::codegen
