// The Engine's calls on whole data sets, which the command line makes
// (training, eval, tune): checking a data set against the model, gathering
// batches, evaluating, counting right predictions. Apart from engine.cpp so
// that a generated library, whose C API takes raw arrays, does not link the
// data readers.
#include <algorithm>
#include <numeric>

#include "runtime/engine.h"

namespace nnc::rt {
namespace {

std::string shape_text(const int64_t* dims, int rank) {
  std::string s = "[";
  for (int i = 0; i < rank; ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "]";
}

}  // namespace

void Engine::fit_standardizer(const Dataset& d) { fit_standardizer(d.inputs.data(), d.count); }

void Engine::standardize(Dataset& d) const { standardize_rows(d.inputs.data(), d.count); }

void Engine::check_dataset(const Dataset& d) const {
  if (d.count == 0) throw DataError(d.source + ": no samples");
  if (d.sample_size() != input_size())
    throw DataError(d.source + ": samples have " + std::to_string(d.sample_size()) + " values, model '" + info_.name +
                    "' takes " + std::to_string(input_size()) + " (input " +
                    shape_text(info_.input_dims, info_.input_rank) + ")");
  if (info_.classes > 0) {
    if (!d.class_targets)
      throw DataError(d.source + ": targets are values, model '" + info_.name + "' needs class labels");
    check_labels(d, info_.classes);
  } else if (d.class_targets || d.target_width != target_size()) {
    throw DataError(d.source + ": targets have " + (d.class_targets ? std::string("class labels") : std::to_string(d.target_width) + " values") +
                    ", model '" + info_.name + "' needs " + std::to_string(target_size()) + " values per sample");
  }
}

void Engine::gather(const Dataset& d, const std::vector<int64_t>& index, int64_t first, int64_t count,
                    Batch& batch) const {
  const int64_t n_in = input_size(), tw = target_size();
  for (int64_t s = 0; s < count; ++s) {
    const int64_t sample = index[size_t(first + s)];
    std::copy_n(&d.inputs[size_t(sample * n_in)], n_in, &batch.x[size_t(s * n_in)]);
    if (d.class_targets) batch.labels[size_t(s)] = d.labels[size_t(sample)];
    else std::copy_n(&d.targets[size_t(sample * tw)], tw, &batch.t[size_t(s * tw)]);
  }
}

bool Engine::targets_are_binary(const Dataset& d) const {
  if (d.class_targets) return true;
  return std::all_of(d.targets.begin(), d.targets.end(), [](float v) { return v == 0.0f || v == 1.0f; });
}

void Engine::accumulate_accuracy(const float* out, const Dataset& d, const std::vector<int64_t>& index,
                                 int64_t first, int64_t count, int64_t& correct, Confusion* confusion) const {
  const int64_t width = output_size();
  for (int64_t s = 0; s < count; ++s) {
    const float* y = out + s * width;
    int64_t sample = index[size_t(first + s)];
    if (d.class_targets) {
      const int64_t predicted = std::max_element(y, y + width) - y;
      correct += predicted == d.labels[size_t(sample)];
      if (confusion) confusion->add(d.labels[size_t(sample)], predicted);
    } else {
      // Binary targets: right when every output is on the target's side of 0.5.
      bool right = true;
      for (int64_t k = 0; k < width; ++k)
        right = right && (y[k] > 0.5f) == (d.targets[size_t(sample * width + k)] > 0.5f);
      correct += right;
    }
  }
}

Metrics Engine::evaluate(const Dataset& d, int64_t batch, Confusion* confusion) {
  batch = std::max<int64_t>(1, std::min(batch, d.count));
  Batch buffers = make_batch(batch, Use::predict);
  std::vector<int64_t> identity(size_t(d.count));
  std::iota(identity.begin(), identity.end(), 0);
  const bool accuracy_applies = targets_are_binary(d);
  double loss_sum = 0;
  int64_t correct = 0;
  for (int64_t first = 0; first < d.count; first += batch) {
    const int64_t b = std::min(batch, d.count - first);
    gather(d, identity, first, b, buffers);
    float loss = 0;
    call(*evaluate_, buffers.x.data(), buffers.targets(), b, &loss, buffers.out.data(), nullptr);
    loss_sum += double(loss) * double(b);
    if (accuracy_applies) accumulate_accuracy(buffers.out.data(), d, identity, first, b, correct, confusion);
  }
  return {loss_sum / double(d.count), accuracy_applies ? double(correct) / double(d.count) : -1, d.count};
}

}  // namespace nnc::rt
