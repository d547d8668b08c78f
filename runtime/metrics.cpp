#include "runtime/metrics.h"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace nnc::rt {
namespace {

double ratio(int64_t num, int64_t den) { return den > 0 ? double(num) / double(den) : NAN; }

std::string percent(double v) {
  if (std::isnan(v)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", 100 * v);
  return buf;
}

}  // namespace

int64_t Confusion::total() const {
  int64_t n = 0;
  for (int64_t c : counts_) n += c;
  return n;
}

double Confusion::accuracy() const {
  int64_t right = 0;
  for (int64_t k = 0; k < classes_; ++k) right += count(k, k);
  return ratio(right, total());
}

ClassMeasures Confusion::measures(int64_t k) const {
  int64_t tp = count(k, k), actual = 0, predicted = 0;
  for (int64_t j = 0; j < classes_; ++j) actual += count(k, j), predicted += count(j, k);
  const int64_t fp = predicted - tp, fn = actual - tp, tn = total() - tp - fp - fn;
  ClassMeasures m;
  m.samples = actual;
  m.ppv = ratio(tp, tp + fp);
  m.tpr = ratio(tp, tp + fn);
  m.fpr = ratio(fp, fp + tn);
  m.error_rate = std::isnan(m.ppv) ? NAN : 1 - m.ppv;
  return m;
}

std::string Confusion::table() const {
  std::string s = "confusion matrix (rows: actual class, columns: predicted)\n      ";
  char buf[128];
  for (int64_t j = 0; j < classes_; ++j) std::snprintf(buf, sizeof buf, "%7lld", (long long)j), s += buf;
  s += "\n";
  for (int64_t k = 0; k < classes_; ++k) {
    std::snprintf(buf, sizeof buf, "%6lld", (long long)k), s += buf;
    for (int64_t j = 0; j < classes_; ++j) std::snprintf(buf, sizeof buf, "%7lld", (long long)count(k, j)), s += buf;
    s += "\n";
  }
  s += "\nclass  samples   PPV(%)  TPR(%)  FPR(%)  error rate(%)\n";
  for (int64_t k = 0; k < classes_; ++k) {
    ClassMeasures m = measures(k);
    std::snprintf(buf, sizeof buf, "%5lld  %7lld  %7s %7s %7s  %13s\n", (long long)k, (long long)m.samples,
                  percent(m.ppv).c_str(), percent(m.tpr).c_str(), percent(m.fpr).c_str(),
                  percent(m.error_rate).c_str());
    s += buf;
  }
  std::snprintf(buf, sizeof buf, "accuracy %.4f  (%lld samples)\n", accuracy(), (long long)total());
  return s + buf;
}

std::string Confusion::json() const {
  auto number = [](double v) { return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v); };
  nlohmann::json j;
  j["samples"] = total();
  j["accuracy"] = number(accuracy());
  nlohmann::json matrix = nlohmann::json::array();
  for (int64_t k = 0; k < classes_; ++k) {
    nlohmann::json row = nlohmann::json::array();
    for (int64_t c = 0; c < classes_; ++c) row.push_back(count(k, c));
    matrix.push_back(row);
  }
  j["confusion"] = matrix;
  nlohmann::json per_class = nlohmann::json::array();
  for (int64_t k = 0; k < classes_; ++k) {
    ClassMeasures m = measures(k);
    per_class.push_back({{"class", k}, {"samples", m.samples}, {"ppv", number(m.ppv)}, {"tpr", number(m.tpr)},
                         {"fpr", number(m.fpr)}, {"error_rate", number(m.error_rate)}});
  }
  j["per_class"] = per_class;
  return j.dump();
}

}  // namespace nnc::rt
