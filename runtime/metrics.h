// Classification metrics for `eval --per-class`: the confusion matrix and,
// for each class taken one against the rest, the measures of the course's
// table on bias (Buolamwini and Gebru's Gender Shades):
//   PPV = TP / (TP + FP)   the predictions of the class that are right
//   TPR = TP / (TP + FN)   the samples of the class that are found
//   FPR = FP / (FP + TN)   the other samples wrongly given the class
//   error rate = 1 - PPV   as the table pairs them
// A measure with an empty denominator is NAN (printed "-", JSON null).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace nnc::rt {

struct ClassMeasures {
  int64_t samples = 0;  // of this class (TP + FN)
  double ppv = 0, tpr = 0, fpr = 0, error_rate = 0;
};

class Confusion {
 public:
  explicit Confusion(int64_t classes) : classes_(classes), counts_(size_t(classes * classes), 0) {}
  void add(int64_t actual, int64_t predicted) { ++counts_[size_t(actual * classes_ + predicted)]; }
  int64_t classes() const { return classes_; }
  int64_t count(int64_t actual, int64_t predicted) const { return counts_[size_t(actual * classes_ + predicted)]; }
  int64_t total() const;
  double accuracy() const;
  ClassMeasures measures(int64_t k) const;

  std::string table() const;  // the matrix and the per-class measures, for a terminal
  std::string json() const;

 private:
  int64_t classes_;
  std::vector<int64_t> counts_;  // [actual][predicted]
};

}  // namespace nnc::rt
