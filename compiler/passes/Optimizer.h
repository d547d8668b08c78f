// The optimizer update: appends to the graph the ops that compute every
// param's next value from its gradient, so one train step is one pipeline.
#pragma once
#include "compiler/ir/Program.h"

namespace nnc::passes {

// The update of each param p with gradient g, composed of elementwise ops
// (scale by a run-time scalar, add, mul, root_div) that fuse into one loop
// per param. First the penalties of weights (not biases):
//   g += l2 * p + l1 * sign(p)           (where the .nn file sets l1 or l2)
//   g += weight_decay * p                (sgd, adagrad, rmsprop, adam; coupled)
// then, PyTorch's conventions:
//   sgd       v' = momentum v + g;  p' = p - lr v'   (nesterov: p - lr (g + momentum v'))
//   adagrad   G' = G + g^2;  p' = p - lr g / (sqrt(G') + eps)
//   rmsprop   S' = rho S + (1 - rho) g^2;  p' = p - lr g / (sqrt(S') + eps)
//   adam      m' = beta1 m + (1 - beta1) g;  v' = beta2 v + (1 - beta2) g^2
//             p' = p - lr (m' c1) / (sqrt(v' c2) + eps),  c1 = 1 / (1 - beta1^t), c2 = 1 / (1 - beta2^t)
//   adamw     adam with decoupled decay: p' = (1 - lr weight_decay) p - ...
// Every scalar is a Hyper node, set by the generated program at each step:
// the settings (lr, momentum, beta1, beta2, eps, rho, weight_decay, l1, l2,
// LAYER.l1, LAYER.l2) and values it derives from them and the step count t
// (beta1_complement, beta2_complement, rho_complement, bias_correction1,
// bias_correction2, decay). Fills program.states, new_params, new_states and
// hypers. Requires grads.
void add_optimizer_update(ir::Program& program);

}  // namespace nnc::passes
