// Checkpoints: a safetensors file holding the weights file's tensors (the
// params and the input statistics), the optimizer states, and where the run
// stands as metadata (nnc.*, run_state.cpp): what --resume needs to continue
// bit for bit.
#include "runtime/engine.h"
#include "runtime/printable.h"

namespace nnc::rt {

void Engine::save_checkpoint(const std::string& path, const RunState& st) const {
  TensorFile file = weights_file();
  for (const auto& [key, value] : run_state_metadata(st)) file.metadata[key] = value;
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
    throw DataError(path + ": a checkpoint of model '" + printable(model->second) + "', not of '" + info_.name +
                    "'; resume it with that model's program");
  load_weights(file, path);  // checks the params and the input statistics
  RunState st = run_state_of(file, path);
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
