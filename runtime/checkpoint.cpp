// Checkpoints: a safetensors file holding the weights file's tensors (the
// params and the input statistics), the optimizer states, and where the run
// stands as metadata (nnc.*): what --resume needs to continue bit for bit.
#include <cstdio>
#include <sstream>

#include "runtime/engine.h"

namespace nnc::rt {

void Engine::save_checkpoint(const std::string& path, const RunState& st) const {
  TensorFile file = weights_file();
  file.metadata["nnc.checkpoint"] = "1";
  file.metadata["nnc.epochs_done"] = std::to_string(st.epochs_done);
  file.metadata["nnc.next_sample"] = std::to_string(st.next_sample);
  file.metadata["nnc.steps"] = std::to_string(st.steps);
  std::string rng;
  for (uint64_t w : st.order_rng) rng += (rng.empty() ? "" : " ") + std::to_string(w);
  file.metadata["nnc.order_rng"] = rng;
  char exact[64];
  std::snprintf(exact, sizeof exact, "%a", st.loss_sum);
  file.metadata["nnc.loss_sum"] = exact;
  file.metadata["nnc.correct"] = std::to_string(st.correct);
  std::snprintf(exact, sizeof exact, "%a", st.result.best_val_loss);
  file.metadata["nnc.best_val_loss"] = exact;
  file.metadata["nnc.best_epoch"] = std::to_string(st.result.best_epoch);
  std::string history;
  for (const EpochRecord& r : st.result.history)
    history += (history.empty() ? "" : ";") + std::to_string(r.epoch) + " " + json_number(r.loss) + " " +
               json_number(r.accuracy) + " " + json_number(r.val_loss) + " " + json_number(r.val_accuracy);
  file.metadata["nnc.history"] = history;
  for (int k = 0; k < info_.num_states; ++k) {
    const ParamInfo& p = info_.params[info_.states[k].param];
    const float* v = states_[size_t(k)].read();
    file.tensors.push_back({info_.states[k].name, std::vector<int64_t>(p.dims, p.dims + p.rank),
                            std::vector<float>(v, v + states_[size_t(k)].size())});
  }
  save_safetensors(path, file);
}

RunState Engine::load_checkpoint(const std::string& path) {
  TensorFile file = load_safetensors(path);
  auto model = file.metadata.find("nnc.model");
  if (model != file.metadata.end() && model->second != info_.name)
    throw DataError(path + ": a checkpoint of model '" + model->second + "', not of '" + info_.name +
                    "'; resume it with that model's program");
  load_weights(file, path);  // checks the params and the input statistics
  auto meta = [&](const std::string& key) {
    auto it = file.metadata.find("nnc." + key);
    if (it == file.metadata.end())
      throw DataError(path + ": not a checkpoint (no nnc." + key + "); checkpoints are written by train --checkpoint");
    return it->second;
  };
  RunState st;
  try {
    st.epochs_done = std::stoll(meta("epochs_done"));
    st.next_sample = std::stoll(meta("next_sample"));
    st.steps = std::stoll(meta("steps"));
    st.loss_sum = std::strtod(meta("loss_sum").c_str(), nullptr);
    st.correct = std::stoll(meta("correct"));
    st.result.best_val_loss = std::strtod(meta("best_val_loss").c_str(), nullptr);
    st.result.best_epoch = std::stoll(meta("best_epoch"));
    std::istringstream rng(meta("order_rng"));
    for (uint64_t& w : st.order_rng) rng >> w;
    std::istringstream history(meta("history"));
    std::string record;
    while (std::getline(history, record, ';')) {
      std::istringstream fields(record);
      EpochRecord r;
      std::string loss, acc, val_loss, val_acc;
      fields >> r.epoch >> loss >> acc >> val_loss >> val_acc;
      auto number = [](const std::string& t) { return t == "null" ? NAN : std::strtod(t.c_str(), nullptr); };
      r.loss = number(loss), r.accuracy = number(acc), r.val_loss = number(val_loss), r.val_accuracy = number(val_acc);
      st.result.history.push_back(r);
    }
  } catch (const std::logic_error&) {
    throw DataError(path + ": the checkpoint's progress entries are damaged; use an earlier checkpoint");
  }
  for (int k = 0; k < info_.num_states; ++k) {
    const NamedTensor* t = file.find(info_.states[k].name);
    if (!t || t->data.size() != states_[size_t(k)].size())
      throw DataError(path + ": no optimizer state '" + std::string(info_.states[k].name) +
                      "' of the right size; this checkpoint is of another model or optimizer");
    states_[size_t(k)].assign(t->data.data());
  }
  return st;
}

}  // namespace nnc::rt
