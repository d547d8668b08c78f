#include "compiler/frontend/NameHints.h"

#include <algorithm>

#include "compiler/frontend/Diagnostics.h"

namespace nnc {
namespace {

// A name from elsewhere, and what nnc writes for it.
struct OtherName {
  const char* name;
  const char* nnc;
};

// Layers, as Keras (Dense, Conv2D) and PyTorch (Linear, Conv2d) name them.
const OtherName kOtherLayers[] = {
    {"Linear", "dense"}, {"Dense", "dense"}, {"Conv1d", "conv"},
    {"Conv2d", "conv"}, {"Conv1D", "conv"}, {"Conv2D", "conv"},
    {"ReLU", "relu"}, {"Sigmoid", "sigmoid"}, {"Tanh", "tanh"},
    {"Softmax", "softmax"}, {"MaxPool1d", "maxpool"}, {"MaxPool2d", "maxpool"},
    {"MaxPooling1D", "maxpool"}, {"MaxPooling2D", "maxpool"}, {"AvgPool2d", "avgpool"},
    {"AveragePooling2D", "avgpool"}, {"Flatten", "flatten"}, {"Dropout", "dropout"},
    {"GlobalAveragePooling2D", "global_avgpool"}, {"AdaptiveAvgPool2d", "global_avgpool"},
    {"Upsample", "upsample"}, {"UpSampling2D", "upsample"},
};

// Arguments, as PyTorch (padding, kernel_size) and Keras (filters, pool_size)
// name them. A row applies only where the callee has nnc's argument.
const OtherName kOtherArguments[] = {
    {"padding", "pad"}, {"kernel_size", "kernel"}, {"strides", "stride"},
    {"out_channels", "channels"}, {"filters", "channels"}, {"out_features", "units"},
    {"pool_size", "window"}, {"rate", "p"}, {"learning_rate", "lr"},
    {"kernel_initializer", "weight"}, {"use_bias", "bias"}, {"trainable", "frozen"},
};

// Train settings, as Keras's fit() and PyTorch's loops name them, and why
// nnc writes them otherwise where it is not only the name.
struct OtherSetting {
  const char* name;
  const char* nnc;
  const char* why;
};
const OtherSetting kOtherSettings[] = {
    {"batch_size", "batch 32", ""},
    {"num_epochs", "epochs 10", ""},
    {"n_epochs", "epochs 10", ""},
    {"max_epochs", "epochs 10", ""},
    {"learning_rate", "optimizer sgd(lr = 0.01)", ": the learning rate is the optimizer's"},
    {"lr", "optimizer sgd(lr = 0.01)", ": the learning rate is the optimizer's"},
    {"momentum", "optimizer sgd(lr = 0.01, momentum = 0.9)", ": momentum is the optimizer's"},
    {"weight_decay", "optimizer adamw(lr = 0.001, weight_decay = 0.01)", ", or l2 0.0001 with any optimizer"},
    {"validation_split", "validation 0.1", ""},
};

// Layers of the course's zoo that nnc does not have yet, by family.
struct PlannedLayer {
  std::vector<const char*> names;
  const char* family;
};
const PlannedLayer kPlannedLayers[] = {
    {{"batchnorm", "batch_norm", "BatchNorm1d", "BatchNorm2d", "BatchNormalization"}, "batch normalisation"},
    {{"layernorm", "layer_norm", "LayerNorm", "LayerNormalization"}, "layer normalisation"},
    {{"rnn", "RNN", "SimpleRNN", "lstm", "LSTM", "gru", "GRU"}, "recurrent layers"},
    {{"embedding", "Embedding"}, "embeddings"},
    {{"attention", "Attention", "MultiheadAttention", "MultiHeadAttention"}, "attention"},
    {{"conv_transpose", "ConvTranspose2d", "Conv2DTranspose", "deconv"}, "transposed convolutions"},
    {{"rbf", "RBF"}, "RBF layers"},
};

}  // namespace

std::string unknown_layer_hint(const std::string& name, const std::vector<std::string>& known) {
  for (const OtherName& other : kOtherLayers)
    if (name == other.name) return "; nnc calls it '" + std::string(other.nnc) + "'";
  for (const PlannedLayer& p : kPlannedLayers)
    for (const char* planned : p.names)
      if (name == planned)
        return "; not available yet: " + std::string(p.family) + " (docs/language.md, section 15)";
  return did_you_mean(name, known);
}

std::string unknown_argument_hint(const std::string& key, const std::vector<std::string>& known) {
  for (const OtherName& other : kOtherArguments)
    if (key == other.name && std::find(known.begin(), known.end(), other.nnc) != known.end())
      return "; nnc calls it '" + std::string(other.nnc) + "'";
  return did_you_mean(key, known);
}

std::string unknown_setting_hint(const std::string& key, const std::vector<std::string>& known) {
  for (const OtherSetting& other : kOtherSettings)
    if (key == other.name) return "; nnc writes it as '" + std::string(other.nnc) + "'" + other.why;
  return did_you_mean(key, known);
}

}  // namespace nnc
