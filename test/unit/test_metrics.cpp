// runtime/metrics.cpp: the confusion matrix and per-class measures against
// counts taken directly from the (actual, predicted) pairs.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "runtime/metrics.h"

namespace {

const std::vector<std::pair<int, int>> kPairs = {  // actual, predicted
    {0, 0}, {0, 0}, {0, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 2}, {2, 2}, {2, 0}, {2, 0}, {0, 0}, {1, 0}};

nnc::rt::Confusion filled() {
  nnc::rt::Confusion c(3);
  for (auto [a, p] : kPairs) c.add(a, p);
  return c;
}

TEST(Metrics, ConfusionCountsPairs) {
  nnc::rt::Confusion c = filled();
  for (int a = 0; a < 3; ++a)
    for (int p = 0; p < 3; ++p) {
      int64_t expected = 0;
      for (auto [pa, pp] : kPairs) expected += pa == a && pp == p;
      EXPECT_EQ(c.count(a, p), expected) << a << "," << p;
    }
  EXPECT_EQ(c.total(), int64_t(kPairs.size()));
  int right = 0;
  for (auto [a, p] : kPairs) right += a == p;
  EXPECT_DOUBLE_EQ(c.accuracy(), double(right) / double(kPairs.size()));
}

TEST(Metrics, PerClassMeasuresOneAgainstTheRest) {
  nnc::rt::Confusion c = filled();
  for (int k = 0; k < 3; ++k) {
    double tp = 0, fp = 0, fn = 0, tn = 0;
    for (auto [a, p] : kPairs) {
      if (a == k && p == k) ++tp;
      else if (a != k && p == k) ++fp;
      else if (a == k && p != k) ++fn;
      else ++tn;
    }
    nnc::rt::ClassMeasures m = c.measures(k);
    EXPECT_EQ(m.samples, int64_t(tp + fn));
    EXPECT_DOUBLE_EQ(m.ppv, tp / (tp + fp)) << k;
    EXPECT_DOUBLE_EQ(m.tpr, tp / (tp + fn)) << k;
    EXPECT_DOUBLE_EQ(m.fpr, fp / (fp + tn)) << k;
    EXPECT_DOUBLE_EQ(m.error_rate, 1 - tp / (tp + fp)) << k;
  }
}

TEST(Metrics, NeverPredictedClassHasNoPpv) {
  nnc::rt::Confusion c(2);
  c.add(0, 0), c.add(1, 0);
  EXPECT_TRUE(std::isnan(c.measures(1).ppv));
  EXPECT_DOUBLE_EQ(c.measures(1).tpr, 0.0);
  nlohmann::json j = nlohmann::json::parse(c.json());
  EXPECT_TRUE(j["per_class"][1]["ppv"].is_null());
  EXPECT_EQ(j["confusion"][1][0], 1);
}

TEST(Metrics, JsonHoldsTheTable) {
  nnc::rt::Confusion c = filled();
  nlohmann::json j = nlohmann::json::parse(c.json());
  EXPECT_EQ(j["samples"], int64_t(kPairs.size()));
  for (int a = 0; a < 3; ++a)
    for (int p = 0; p < 3; ++p) EXPECT_EQ(j["confusion"][a][p], c.count(a, p));
  EXPECT_DOUBLE_EQ(j["per_class"][2]["tpr"].get<double>(), c.measures(2).tpr);
}

}  // namespace
