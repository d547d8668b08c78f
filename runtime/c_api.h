// The C API of a generated library, for any model: what each function of
// MODEL.h does (its text is runtime/c_api/model.h.in), written once here
// over the Engine. nnc writes, per model, the prefixed entry points
// (runtime/c_api/model_api.cpp.in), each a call of one of these with the
// model's ModelInfo.
//
// Every call returns a status; a failure also leaves a one-line message,
// "MODEL_function: what, and what to do", in the handle (or, without one,
// in the calling thread). Nothing here prints, exits or lets an exception out.
#pragma once
#include <cstdint>

#include "runtime/model.h"

namespace nnc::rt::c_api {

// The status codes; the header names them MODEL_OK, MODEL_ERROR_NULL, ...
// with these values, which never change.
enum Status : int {
  kOk = 0,
  kNull = 1,         // a pointer that must not be NULL is NULL
  kSize = 2,         // a count or a buffer's length does not fit the model's shapes
  kValue = 3,        // a value is not finite, out of its range, or not a class of the model
  kName = 4,         // no hyperparameter or parameter tensor of that name
  kFile = 5,         // a file cannot be read or written, or is not of this model
  kUnsupported = 6,  // training asked of an --inference-only library, ...
  kDiverged = 7,     // the train step's loss is not finite; the step was undone
  kMemory = 8,       // out of memory
  kInternal = 9,     // a compiled pipeline failed: a bug in nnc
  kNotReady = 10,    // the model standardises its inputs and has no statistics yet
};

// A handle: the engine and a training run's state (its seed, the steps
// taken, the hyperparameters) without the command line's loop (c_api.cpp).
class Model;

Status create(const ModelInfo& info, uint64_t seed, Model** out);
void destroy(Model* m);
// The handle's last message, or with NULL the thread's.
const char* last_error(const Model* m);

// Shapes and names, from the ModelInfo alone.
int shape(const int64_t* dims, int rank, int64_t* out);  // dims into out[0..4); returns the rank
const char* param_name(const ModelInfo& info, int index);
Status param_shape(const ModelInfo& info, const char* name, int64_t* dims, int* rank);
const char* setting_name(const ModelInfo& info, int index);
Status set_threads(const ModelInfo& info, int threads);  // the process's pool of this library

// The calls on a handle; a NULL handle is the thread's error.
Status load_weights(const ModelInfo& info, Model* m, const char* path);
Status save_weights(const ModelInfo& info, Model* m, const char* path);
Status get_param(const ModelInfo& info, Model* m, const char* name, float* values, int64_t length);
Status set_param(const ModelInfo& info, Model* m, const char* name, const float* values, int64_t length);
Status predict(const ModelInfo& info, Model* m, const float* inputs, int64_t count, float* outputs,
               int64_t outputs_length);
Status evaluate(const ModelInfo& info, Model* m, const float* inputs, const void* targets, int64_t count, float* loss);
Status train_step(const ModelInfo& info, Model* m, const float* inputs, const void* targets, int64_t count,
                  float* loss);
Status fit_input_statistics(const ModelInfo& info, Model* m, const float* inputs, int64_t count);
int64_t steps(const Model* m);
Status set_device(const ModelInfo& info, Model* m, const char* device);
const char* device(const Model* m);
Status get_setting(const ModelInfo& info, Model* m, const char* name, double* value);
Status set_setting(const ModelInfo& info, Model* m, const char* name, double value);

}  // namespace nnc::rt::c_api
