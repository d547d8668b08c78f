#include "runtime/c_api.h"

#include <HalideRuntime.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <new>
#include <string>
#include <vector>

#include "runtime/devices.h"
#include "runtime/engine.h"
#include "runtime/finite.h"

namespace nnc::rt::c_api {

class Model {
 public:
  Model(const ModelInfo& info, uint64_t seed);

  const char* last_error() const { return error_.c_str(); }

  Status load_weights(const char* path);
  Status save_weights(const char* path);
  Status get_param(const char* name, float* values, int64_t length);
  Status set_param(const char* name, const float* values, int64_t length);

  Status predict(const float* inputs, int64_t count, float* outputs, int64_t outputs_length);
  Status evaluate(const float* inputs, const void* targets, int64_t count, float* loss);
  Status train_step(const float* inputs, const void* targets, int64_t count, float* loss);
  Status fit_input_statistics(const float* inputs, int64_t count);

  Status set_device(const char* device);
  const char* device() const { return engine_.device().c_str(); }
  Status get_setting(const char* name, double* value);
  Status set_setting(const char* name, double value);
  int64_t steps() const { return steps_; }

 private:
  template <class Body>
  Status guarded(const char* function, Status data_error, Body&& body);
  Status fail(const char* function, Status status, const std::string& message);
  Status check_inputs(const char* function, const float* inputs, int64_t count);
  Status check_batch(const char* function, const float* inputs, const void* targets, int64_t count);
  Status check_statistics(const char* function);
  Status find_param_buffer(const char* function, const char* name, const void* values, int64_t length, int* param);

  Engine engine_;
  uint64_t seed_;
  int64_t steps_ = 0;                        // train steps taken: Adam's t
  std::map<std::string, double> settings_;  // lr, momentum, ...: the .nn file's, then set_setting's
  std::vector<bool> frozen_;                 // frozen = on in the .nn file
  Engine::Batch batch_;                      // train_step's copy of the caller's batch
  std::string error_;
};

namespace {

thread_local std::string no_handle_error;

std::string shape_text(const int64_t* dims, int rank) {
  std::string s = "[";
  for (int i = 0; i < rank; ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "]";
}

const ParamInfo* find_param(const ModelInfo& info, const char* name) {
  for (int i = 0; i < info.num_params; ++i)
    if (std::strcmp(info.params[i].name, name) == 0) return &info.params[i];
  return nullptr;
}

std::string param_names(const ModelInfo& info) {
  std::string s;
  for (int i = 0; i < info.num_params; ++i) s += (i ? ", " : "") + std::string(info.params[i].name);
  return s;
}

std::string count_text(int64_t n, const char* one) { return std::to_string(n) + " " + one + (n == 1 ? "" : "s"); }

}  // namespace

Model::Model(const ModelInfo& info, uint64_t seed)
    : engine_(info), seed_(seed), settings_(engine_.default_settings()) {
  engine_.init_params(seed);
  for (int i = 0; i < info.num_params; ++i) frozen_.push_back(info.params[i].frozen);
}

Status Model::fail(const char* function, Status status, const std::string& message) {
  error_ = std::string(engine_.info().api_prefix) + "_" + function + ": " + message;
  return status;
}

// Runs body, turning each exception into its status and message: the
// engine's DataError is a problem with the caller's data or files
// (`data_error` says which), the rest are the engine's own.
template <class Body>
Status Model::guarded(const char* function, Status data_error, Body&& body) {
  try {
    return body();
  } catch (const DataError& e) {
    return fail(function, data_error, e.what());
  } catch (const NotCompiledForTraining& e) {
    return fail(function, kUnsupported, e.what());
  } catch (const std::bad_alloc&) {
    return fail(function, kMemory, "out of memory");
  } catch (const std::exception& e) {
    return fail(function, kInternal, std::string(e.what()) + " (a bug in nnc: please report it with the .nn file)");
  } catch (...) {
    return fail(function, kInternal, "an unknown exception (a bug in nnc: please report it with the .nn file)");
  }
}

Status Model::load_weights(const char* path) {
  if (!path) return fail("load_weights", kNull, "path is NULL");
  return guarded("load_weights", kFile, [&] {
    engine_.load_weights(path);  // checks everything before it changes anything
    return kOk;
  });
}

Status Model::save_weights(const char* path) {
  if (!path) return fail("save_weights", kNull, "path is NULL");
  if (Status s = check_statistics("save_weights"); s != kOk) return s;
  return guarded("save_weights", kFile, [&] {
    engine_.save_weights(path);  // written beside it, then renamed: never half a file
    return kOk;
  });
}

// get_param's and set_param's arguments: a parameter of the model, a buffer of its size.
Status Model::find_param_buffer(const char* function, const char* name, const void* values, int64_t length,
                                int* param) {
  if (!name || !values) return fail(function, kNull, !name ? "name is NULL" : "values is NULL");
  const ParamInfo* p = find_param(engine_.info(), name);
  if (!p)
    return fail(function, kName, "model '" + std::string(engine_.info().name) + "' has no parameter '" + name +
                                     "'; its parameters are " + param_names(engine_.info()));
  const int64_t n = elements(p->dims, p->rank);
  if (length != n)
    return fail(function, kSize, "'" + std::string(name) + "' has " + count_text(n, "value") + " (shape " +
                                     shape_text(p->dims, p->rank) + "), the buffer " + std::to_string(length));
  *param = int(p - engine_.info().params);
  return kOk;
}

Status Model::get_param(const char* name, float* values, int64_t length) {
  int param = 0;
  if (Status s = find_param_buffer("get_param", name, values, length, &param); s != kOk) return s;
  engine_.read_param(param, values);
  return kOk;
}

Status Model::set_param(const char* name, const float* values, int64_t length) {
  int param = 0;
  if (Status s = find_param_buffer("set_param", name, values, length, &param); s != kOk) return s;
  if (int64_t bad = first_non_finite(values, length); bad >= 0)
    return fail("set_param", kValue, "value " + std::to_string(bad) + " of '" + name + "' is not finite; nothing was set");
  engine_.write_param(param, values);
  return kOk;
}

// A model with `standardize on` scales every input by statistics of the
// training data; without them its calls would quietly compute on unscaled inputs.
Status Model::check_statistics(const char* function) {
  if (!engine_.standardizes() || engine_.has_standardizer()) return kOk;
  const std::string prefix = engine_.info().api_prefix;
  return fail(function, kNotReady, "model '" + std::string(engine_.info().name) +
                                       "' standardises its inputs (standardize on) and has no input statistics yet; "
                                       "call " + prefix + "_fit_input_statistics with the training inputs, or " +
                                       prefix + "_load_weights");
}

// The inputs every batch call takes: a pointer, a count, finite values.
Status Model::check_inputs(const char* function, const float* inputs, int64_t count) {
  if (!inputs) return fail(function, kNull, "inputs is NULL");
  if (count < 1) return fail(function, kSize, "count is " + std::to_string(count) + "; a batch has 1 sample or more");
  if (count > INT32_MAX / std::max<int64_t>(1, engine_.input_size()))
    return fail(function, kSize, "count " + std::to_string(count) + " is too large for one call; split the batch");
  const int64_t n_in = engine_.input_size();
  if (int64_t bad = first_non_finite(inputs, count * n_in); bad >= 0)
    return fail(function, kValue, "input value " + std::to_string(bad % n_in) + " of sample " +
                                      std::to_string(bad / n_in) + " is not finite");
  return kOk;
}

// And with targets: classes of the model, or finite values.
Status Model::check_batch(const char* function, const float* inputs, const void* targets, int64_t count) {
  const ModelInfo& info = engine_.info();
  if (Status s = check_inputs(function, inputs, count); s != kOk) return s;
  if (!targets) return fail(function, kNull, "targets is NULL");
  if (info.classes > 0) {
    const int32_t* labels = static_cast<const int32_t*>(targets);
    for (int64_t s = 0; s < count; ++s)
      if (labels[s] < 0 || labels[s] >= info.classes)
        return fail(function, kValue, "target " + std::to_string(s) + " is " + std::to_string(labels[s]) +
                                          "; model '" + info.name + "' has classes 0 to " +
                                          std::to_string(info.classes - 1));
  } else if (int64_t bad = first_non_finite(static_cast<const float*>(targets), count * engine_.target_size());
             bad >= 0) {
    return fail(function, kValue, "target value " + std::to_string(bad) + " is not finite");
  }
  return kOk;
}

Status Model::predict(const float* inputs, int64_t count, float* outputs, int64_t outputs_length) {
  if (Status s = check_inputs("predict", inputs, count); s != kOk) return s;
  if (Status s = check_statistics("predict"); s != kOk) return s;
  if (!outputs) return fail("predict", kNull, "outputs is NULL");
  const int64_t needed = count * engine_.output_size();
  if (outputs_length < needed)
    return fail("predict", kSize, "outputs holds " + count_text(outputs_length, "float") + "; " +
                                      count_text(count, "sample") + (count == 1 ? " needs " : " need ") +
                                      std::to_string(needed) + " (" + std::to_string(engine_.output_size()) +
                                      " per sample)");
  return guarded("predict", kValue, [&] {
    engine_.predict(inputs, count, outputs);
    return kOk;
  });
}

Status Model::evaluate(const float* inputs, const void* targets, int64_t count, float* loss) {
  if (!targets && engine_.info().target_is_input) targets = inputs;  // an autoencoder's
  if (Status s = check_batch("evaluate", inputs, targets, count); s != kOk) return s;
  if (Status s = check_statistics("evaluate"); s != kOk) return s;
  if (!loss) return fail("evaluate", kNull, "loss is NULL");
  return guarded("evaluate", kValue, [&] {
    *loss = engine_.evaluate_batch(inputs, targets, count);
    return kOk;
  });
}

Status Model::train_step(const float* inputs, const void* targets, int64_t count, float* loss) {
  if (!engine_.trains())
    return fail("train_step", kUnsupported, "model '" + std::string(engine_.info().name) +
                                                "' was compiled with --inference-only; compile it without "
                                                "--inference-only to train it");
  if (!targets && engine_.info().target_is_input) targets = inputs;  // an autoencoder's
  if (Status s = check_batch("train_step", inputs, targets, count); s != kOk) return s;
  if (Status s = check_statistics("train_step"); s != kOk) return s;
  if (!loss) return fail("train_step", kNull, "loss is NULL");
  return guarded("train_step", kValue, [&] {
    engine_.ensure_training_state();
    if (int64_t(batch_.labels.size()) != count) batch_ = engine_.make_batch(count, Engine::Use::train);
    std::copy_n(inputs, count * engine_.input_size(), batch_.x.begin());
    engine_.standardize_rows(batch_.x.data(), count);
    if (engine_.info().classes > 0) std::copy_n(static_cast<const int32_t*>(targets), count, batch_.labels.begin());
    else std::copy_n(static_cast<const float*>(targets), count * engine_.target_size(), batch_.t.begin());
    const std::vector<double> hypers = engine_.hyper_values(settings_, seed_, settings_.at("lr"), steps_ + 1);
    *loss = engine_.step(batch_, count, hypers, frozen_);
    // On the CPU every step's weights are checked (about 2% of an MLP's
    // step): a step that made one not finite is undone now, not found steps
    // later. On a GPU that would copy them to the host each step; there the
    // next step's loss shows it.
    const bool weights_finite = engine_.device() != "cpu" || engine_.first_non_finite_param() < 0;
    if (std::isfinite(*loss) && weights_finite) {
      ++steps_;
      return kOk;
    }
    const std::string where = engine_.where_not_finite(batch_, count, frozen_);  // also undoes the step
    const std::string loss_text = std::isfinite(*loss) ? number_text(*loss, 6, "") : std::isnan(*loss) ? "nan" : "inf";
    return fail("train_step", kDiverged, "the loss is " + loss_text + where +
                                             "; the step was undone: lower the learning rate (lr)");
  });
}

Status Model::fit_input_statistics(const float* inputs, int64_t count) {
  if (!engine_.standardizes())
    return fail("fit_input_statistics", kUnsupported, "model '" + std::string(engine_.info().name) +
                                                          "' does not standardise its inputs (no `standardize on` in "
                                                          "its train section); its inputs go in as they are");
  if (Status s = check_inputs("fit_input_statistics", inputs, count); s != kOk) return s;
  return guarded("fit_input_statistics", kValue, [&] {
    engine_.fit_standardizer(inputs, count);
    return kOk;
  });
}

Status Model::set_device(const char* device) {
  if (!device) return fail("set_device", kNull, "device is NULL");
  const std::string requested = device;
  if (requested != "cpu" && requested != "cuda" && requested != "opencl")
    return fail("set_device", kValue, "no device '" + requested + "'; the devices are cpu, cuda and opencl");
  const DeviceChoice where = choose_device(engine_.info(), requested);
  if (where.kind == DeviceChoice::Problem::NotCompiled)
    return fail("set_device", kUnsupported, "model '" + std::string(engine_.info().name) + "' was " + where.problem +
                                                "; nnc --gpu " + requested + " adds " + requested);
  if (where.kind == DeviceChoice::Problem::NoDevice)
    return fail("set_device", kUnsupported, where.problem + "; use \"cpu\"");
  return guarded("set_device", kInternal, [&] {
    engine_.set_device(where.device, where.description);
    return kOk;
  });
}

Status Model::get_setting(const char* name, double* value) {
  if (!name || !value) return fail("get_hyperparameter", kNull, !name ? "name is NULL" : "value is NULL");
  auto it = settings_.find(name);
  if (it == settings_.end())
    return fail("get_hyperparameter", kName, "model '" + std::string(engine_.info().name) +
                                                 "' has no hyperparameter '" + name + "'");
  *value = it->second;
  return kOk;
}

Status Model::set_setting(const char* name, double value) {
  if (!name) return fail("set_hyperparameter", kNull, "name is NULL");
  const ModelInfo& info = engine_.info();
  for (int i = 0; i < info.num_settings; ++i) {
    const SettingInfo& s = info.settings[i];
    if (std::strcmp(s.name, name) != 0) continue;
    const bool in_range = std::isfinite(value) && value >= s.min && (s.max_excluded ? value < s.max : value <= s.max);
    if (!in_range)
      return fail("set_hyperparameter", kValue, std::string(name) + " = " + number_text(value, 6, "nan") +
                                                    " is outside its range [" + number_text(s.min, 6, "") + ", " +
                                                    number_text(s.max, 6, "inf") + (s.max_excluded ? ")" : "]"));
    settings_[name] = value;
    return kOk;
  }
  std::string names;
  for (int i = 0; i < info.num_settings; ++i) names += (i ? ", " : "") + std::string(info.settings[i].name);
  return fail("set_hyperparameter", kName, "model '" + std::string(info.name) + "' has no hyperparameter '" + name +
                                               "'; its hyperparameters are " + names);
}

namespace {

// A failure of a call without a handle: its message stays with the thread.
Status fail_here(const ModelInfo& info, const char* function, Status status, const std::string& message) {
  no_handle_error = std::string(info.api_prefix) + "_" + function + ": " + message;
  return status;
}

Status null_handle(const ModelInfo& info, const char* function) {
  return fail_here(info, function, kNull, "the model handle is NULL; create one with " + std::string(info.api_prefix) + "_create");
}

}  // namespace

Status create(const ModelInfo& info, uint64_t seed, Model** out) {
  if (!out) return fail_here(info, "create", kNull, "model is NULL (pass the address of a pointer to fill)");
  *out = nullptr;
  try {
    *out = new Model(info, seed);
    return kOk;
  } catch (const std::bad_alloc&) {
    return fail_here(info, "create", kMemory, "out of memory");
  } catch (const std::exception& e) {
    return fail_here(info, "create", kInternal, e.what());
  }
}

void destroy(Model* m) { delete m; }
const char* last_error(const Model* m) { return m ? m->last_error() : no_handle_error.c_str(); }

int shape(const int64_t* dims, int rank, int64_t* out) {
  if (out)
    for (int i = 0; i < 4; ++i) out[i] = i < rank ? dims[i] : 0;
  return rank;
}

const char* param_name(const ModelInfo& info, int index) {
  return index >= 0 && index < info.num_params ? info.params[index].name : nullptr;
}

Status param_shape(const ModelInfo& info, const char* name, int64_t* dims, int* rank) {
  if (!name || !dims || !rank)
    return fail_here(info, "param_shape", kNull, !name ? "name is NULL" : !dims ? "dims is NULL" : "rank is NULL");
  const ParamInfo* p = find_param(info, name);
  if (!p)
    return fail_here(info, "param_shape", kName, "model '" + std::string(info.name) + "' has no parameter '" + name +
                                                     "'; its parameters are " + param_names(info));
  *rank = shape(p->dims, p->rank, dims);
  return kOk;
}

const char* setting_name(const ModelInfo& info, int index) {
  return index >= 0 && index < info.num_settings ? info.settings[index].name : nullptr;
}

Status set_threads(const ModelInfo& info, int threads) {
  if (threads < 0)
    return fail_here(info, "set_threads", kValue, "threads is " + std::to_string(threads) + "; pass 1 or more, or 0 for all cores");
  halide_set_num_threads(threads);  // 0: Halide's default, the number of cores
  return kOk;
}

// ---- the calls on a handle --------------------------------------------------------

#define ON_HANDLE(function, call) return m ? m->call : null_handle(info, #function)

Status load_weights(const ModelInfo& info, Model* m, const char* path) { ON_HANDLE(load_weights, load_weights(path)); }
Status save_weights(const ModelInfo& info, Model* m, const char* path) { ON_HANDLE(save_weights, save_weights(path)); }
Status get_param(const ModelInfo& info, Model* m, const char* name, float* values, int64_t length) {
  ON_HANDLE(get_param, get_param(name, values, length));
}
Status set_param(const ModelInfo& info, Model* m, const char* name, const float* values, int64_t length) {
  ON_HANDLE(set_param, set_param(name, values, length));
}
Status predict(const ModelInfo& info, Model* m, const float* inputs, int64_t count, float* outputs,
               int64_t outputs_length) {
  ON_HANDLE(predict, predict(inputs, count, outputs, outputs_length));
}
Status evaluate(const ModelInfo& info, Model* m, const float* inputs, const void* targets, int64_t count, float* loss) {
  ON_HANDLE(evaluate, evaluate(inputs, targets, count, loss));
}
Status train_step(const ModelInfo& info, Model* m, const float* inputs, const void* targets, int64_t count,
                  float* loss) {
  ON_HANDLE(train_step, train_step(inputs, targets, count, loss));
}
Status fit_input_statistics(const ModelInfo& info, Model* m, const float* inputs, int64_t count) {
  ON_HANDLE(fit_input_statistics, fit_input_statistics(inputs, count));
}
int64_t steps(const Model* m) { return m ? m->steps() : 0; }
Status set_device(const ModelInfo& info, Model* m, const char* device) { ON_HANDLE(set_device, set_device(device)); }
const char* device(const Model* m) { return m ? m->device() : ""; }
Status get_setting(const ModelInfo& info, Model* m, const char* name, double* value) {
  ON_HANDLE(get_hyperparameter, get_setting(name, value));
}
Status set_setting(const ModelInfo& info, Model* m, const char* name, double value) {
  ON_HANDLE(set_hyperparameter, set_setting(name, value));
}

}  // namespace nnc::rt::c_api
