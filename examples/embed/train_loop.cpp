// train_loop.cpp: a C++ program with its own training loop over the library
// nnc compiles from examples/fashion_mlp.nn: batches of 64 in file order,
// one train_step each, the test accuracy after every epoch, the weights
// saved at the end. With the same seed it trains exactly as
// `./fashion_mlp train --no-shuffle` does: the same weights, bit for bit.
//
//   nnc examples/fashion_mlp.nn --lib -o out/fashion_mlp
//   cmake -S examples/embed -B build-embed -DCMAKE_PREFIX_PATH=$PWD/out && cmake --build build-embed
//   build-embed/train_loop /usr/share/datasets/fashion-mnist 5 fashion_mlp.safetensors
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "fashion_mlp.h"
#include "idx.h"

namespace {

// The handle, destroyed when it goes out of scope.
using Model = std::unique_ptr<fashion_mlp_model, decltype(&fashion_mlp_destroy)>;

struct Split {
  uint32_t count = 0;
  std::unique_ptr<float, decltype(&free)> images{nullptr, free};
  std::unique_ptr<int32_t, decltype(&free)> labels{nullptr, free};
};

Split read_split(const std::string& dir, const std::string& prefix) {
  Split s;
  uint32_t label_count = 0;
  s.images.reset(idx_images((dir + "/" + prefix + "-images-idx3-ubyte.gz").c_str(), FASHION_MLP_INPUT_SIZE, &s.count));
  s.labels.reset(idx_labels((dir + "/" + prefix + "-labels-idx1-ubyte.gz").c_str(), &label_count));
  if (!s.images || !s.labels || label_count != s.count) s.count = 0;
  return s;
}

// The share of the split whose most probable class is its label.
double accuracy(fashion_mlp_model* m, const Split& s) {
  std::vector<float> p(size_t(s.count) * FASHION_MLP_OUTPUT_SIZE);
  if (fashion_mlp_predict(m, s.images.get(), s.count, p.data(), int64_t(p.size())) != FASHION_MLP_OK) return -1;
  uint32_t right = 0;
  for (uint32_t i = 0; i < s.count; ++i) {
    const float* row = &p[size_t(i) * FASHION_MLP_OUTPUT_SIZE];
    int best = 0;
    for (int c = 1; c < FASHION_MLP_OUTPUT_SIZE; ++c)
      if (row[c] > row[best]) best = c;
    right += best == s.labels.get()[i];
  }
  return double(right) / s.count;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s FASHION_MNIST_DIR EPOCHS WEIGHTS.safetensors\n", argv[0]);
    return 2;
  }
  const Split train = read_split(argv[1], "train"), test = read_split(argv[1], "t10k");
  if (train.count == 0 || test.count == 0) {
    std::fprintf(stderr, "train_loop: cannot read the IDX files in %s\n", argv[1]);
    return 1;
  }
  fashion_mlp_model* made = nullptr;
  if (fashion_mlp_create(/*seed=*/1, &made) != FASHION_MLP_OK) {
    std::fprintf(stderr, "train_loop: %s\n", fashion_mlp_last_error(nullptr));
    return 1;
  }
  Model model(made, fashion_mlp_destroy);
  // fashion_mlp standardises its inputs (the train section's standardize
  // on, the default): with statistics of the training inputs, as train does.
  if (fashion_mlp_fit_input_statistics(model.get(), train.images.get(), train.count) != FASHION_MLP_OK) {
    std::fprintf(stderr, "train_loop: %s\n", fashion_mlp_last_error(model.get()));
    return 1;
  }
  const int epochs = std::atoi(argv[2]);
  const uint32_t batch = 64;  // as the .nn file's train section
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    double loss_sum = 0;
    for (uint32_t first = 0; first < train.count; first += batch) {
      const uint32_t size = std::min(batch, train.count - first);
      float loss = 0;
      if (fashion_mlp_train_step(model.get(), train.images.get() + size_t(first) * FASHION_MLP_INPUT_SIZE,
                                 train.labels.get() + first, size, &loss) != FASHION_MLP_OK) {
        std::fprintf(stderr, "train_loop: %s\n", fashion_mlp_last_error(model.get()));
        return 1;
      }
      loss_sum += double(loss) * size;
    }
    std::printf("epoch %d/%d  loss %.6f  test accuracy %.4f\n", epoch, epochs, loss_sum / train.count,
                accuracy(model.get(), test));
  }
  if (fashion_mlp_save_weights(model.get(), argv[3]) != FASHION_MLP_OK) {
    std::fprintf(stderr, "train_loop: %s\n", fashion_mlp_last_error(model.get()));
    return 1;
  }
  std::printf("weights saved to %s\n", argv[3]);
  return 0;
}
