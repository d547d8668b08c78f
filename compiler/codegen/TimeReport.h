// nnc --time-report: the wall time of each phase of a compilation, printed
// to stderr at the end, to show where compile time goes. Phases that run at
// once, in child processes (the pipelines' code generation), each report
// their own.
#pragma once
#include <chrono>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace nnc::codegen {

// Turns the report on (nnc --time-report); off, Phase costs nothing.
void enable_time_report();
// The phases in the order they ended (a child's when it is waited for),
// each with its seconds.
void print_time_report(std::ostream& out);

// For phases timed in a child process (ChildJob.h): the number recorded so
// far, those recorded after the first n, and a phase timed elsewhere.
size_t time_report_size();
std::vector<std::pair<std::string, double>> time_report_since(size_t n);
void add_to_time_report(std::string name, double seconds);

// Times its scope as one phase: Phase p("lower predict");
class Phase {
 public:
  explicit Phase(std::string name);
  ~Phase();
  Phase(const Phase&) = delete;
  Phase& operator=(const Phase&) = delete;
  // Names it by what it turned out to do.
  void rename(std::string name) { name_ = std::move(name); }

 private:
  std::string name_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace nnc::codegen
