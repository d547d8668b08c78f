#include "compiler/codegen/TimeReport.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <utility>
#include <vector>

namespace nnc::codegen {
namespace {

std::atomic<bool> enabled{false};
std::mutex mutex;
std::vector<std::pair<std::string, double>> phases;  // in the order they ended
const auto compilation_start = std::chrono::steady_clock::now();

}  // namespace

void enable_time_report() { enabled = true; }

void print_time_report(std::ostream& out) {
  if (!enabled) return;
  std::lock_guard<std::mutex> lock(mutex);
  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - compilation_start).count();
  char line[160];
  out << "nnc: time report (wall seconds; phases run at once overlap)\n";
  for (const auto& [name, seconds] : phases) {
    std::snprintf(line, sizeof line, "  %8.3f  %s\n", seconds, name.c_str());
    out << line;
  }
  std::snprintf(line, sizeof line, "  %8.3f  total, from nnc's start\n", total);
  out << line;
}

size_t time_report_size() {
  std::lock_guard<std::mutex> lock(mutex);
  return phases.size();
}

std::vector<std::pair<std::string, double>> time_report_since(size_t n) {
  std::lock_guard<std::mutex> lock(mutex);
  return {phases.begin() + std::min(n, phases.size()), phases.end()};
}

void add_to_time_report(std::string name, double seconds) {
  if (!enabled) return;
  std::lock_guard<std::mutex> lock(mutex);
  phases.emplace_back(std::move(name), seconds);
}

Phase::Phase(std::string name) : name_(std::move(name)), start_(std::chrono::steady_clock::now()) {}

Phase::~Phase() {
  if (!enabled) return;
  add_to_time_report(name_, std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
}

}  // namespace nnc::codegen
