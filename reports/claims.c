/* claims.c: the claim data (see claims.h).  Quotes are from
 * shared/exam/midterm.md, shortened with "..." and with LaTeX flattened.
 * caveat_rows holds quantity substrings separated by '|'. */
#include <strings.h>

#include "claims.h"

const dlv_claim_info dlv_claims[] = {
    {"P1", "p1_adam_window",
     "Adam: beta1 = 1 - 1/k matches a backward window of k",
     "Adam uses g^{t+1} = b1 g^t + (1-b1) grad, s^{t+1} = b2 s^t + (1-b2) "
     "grad^2, Theta -= eta g^{t+1}/(sqrt(s^{t+1}) + eps). Suppose that we want "
     "g^t ~ (1/k) sum_{i=1..k} grad l^{t-i}. Give a value of beta1 which "
     "corresponds to this backward-window averaging.",
     "beta1 = 1 - 1/k. Note that the backward looking window and the Adam "
     "smoothing rule then both assign weight 1/k to each new data point.",
     ""},
    {"P2", "p2_weight_noise",
     "Additive Gaussian weight noise needs no test-time scaling",
     "At train time y_i = Relu(sum_j (W_ij + eps_ij) x_j), eps_ij ~ N(0,1). "
     "Give a corresponding weight scaling rule for computing y_i at test time "
     "where the input to the Relu has the same expectation as at train time.",
     "No weight scaling is required in this case. The expection of w_i x_i is "
     "the same at test time as at training time.",
     "The training line is printed \"Theta = grad l(Theta, eps)\" (should be "
     "an update such as Theta -= eta grad l); spelling: \"withere\", \"form\", "
     "\"expection\".",
     "The answer is about the ReLU's input.  The ReLU's output does change: "
     "its train-time mean is a Phi(a/s) + s phi(a/s) (s = ||x||), not "
     "ReLU(W x), as these rows measure.",
     "mean ReLU output|outside the output mean"},
    {"P3", "p3_conv3d",
     "3D convolution: += form, vectorized form and backpropagation",
     "L2[b,x,y,t,c] = sum_{u,v,z,c'} F[u,v,c'] * L1[b,x+u,y+v,t+z,c',c] ... "
     "a. Convert this to a += expression. b. Write a Numpy vector operation "
     "implementation ... b. Write the += expressions for the backpropagation "
     "to F and L1. c. Numpy implementation of the backpropagation.",
     "L2.value[b,x,y,t,c] += F.value[u,v,z,c',c] L1.value[x+u,y+v,z+t,c']; "
     "F.grad[u,v,w,c',c] += L2.grad[b,x,y,t,c] L1.value[x+u,y+v,z+t,c']; "
     "L1.grad[b,x,y,t,c'] += L2.grad[b,x,y,t,c] F.value[u,v,z,c',c]; numpy: "
     "L2[:,x,y,t,:] += np.matmul(L1Slice.reshape((B,-1)), F.reshape((-1,C)))",
     "Problem 3 is printed twice (the regularizer problem is the fourth)."},
    {"P4a", "p4a_norm_grad", "The gradient of ||Theta|| is Theta/||Theta||",
     "Theta* = argmin l(Theta) + lambda ||Theta||. a. Give a condition on "
     "grad l(Theta) for a stationary point with Theta != 0.",
     "grad ||Theta|| = grad sqrt(||Theta||^2) = (1/2)(1/sqrt(||Theta||^2)) "
     "2 Theta = Theta/||Theta||, so grad l(Theta) = -lambda Theta/||Theta||.",
     ""},
    {"P4b", "p4b_l2_stationary",
     "Every stationary point is one of L2 regularization with lambda' = "
     "lambda/||Theta||",
     "b. Show that any stationary point of this objective is also a "
     "stationary point of standard L2 regularization for some other "
     "regularization constant lambda'.",
     "The corresponding stationarity condition for L2 regularization is "
     "grad l(Theta) = -lambda' Theta. Taking lambda' = lambda/||Theta|| we "
     "get that Theta is a stationary point of both regularizations.",
     "",
     "The printed condition grad l = -lambda' Theta is that of "
     "l + (lambda'/2)||Theta||^2.  Written l + lambda'' ||Theta||^2, the "
     "constant is lambda'' = lambda/(2||Theta||); these rows measure that "
     "convention (B), and that A's constant does not fit it.",
     "B: |B with"},
    {"P4c", "p4c_zero_min",
     "Theta = 0 is a local minimum when ||grad l(0)|| < lambda",
     "c. Give the condition on grad l(Theta) at Theta = 0 such that "
     "(grad l(0)) . Theta + lambda ||Theta|| > 0 holds for all directions.",
     "This expression is strictly positive if and only if "
     "||grad l(Theta)|| < lambda.",
     "Spelling: \"minuma\"."},
    {"P5", "p5_line_search",
     "Exact line search on a quadratic: lambda = ||g||^2 / (g . Hg)",
     "Assume that the Hessian of the function l(Theta) is constant ... "
     "Suppose we are at parameter vector Theta and have measured the "
     "gradient vector g ... and we use complex-step differentiation to "
     "measure the Hessian-vector product g' = Hg.  Give the value of lambda "
     "at which l(Theta - lambda g) is minimized (holding Theta and g fixed "
     "while varying lambda).",
     "l(Theta - lambda g) = l(Theta) - lambda ||g||^2 + (1/2) lambda^2 g.Hg; "
     "setting the derivative to zero gives lambda = ||g||^2/(g.Hg).",
     "The first printed Taylor line l(Theta + dTheta) = l(Theta) + g.dTheta "
     "+ dTheta' H dTheta lacks the 1/2; \"respec\"."},
};

const size_t dlv_n_claims = sizeof dlv_claims / sizeof dlv_claims[0];

const dlv_claim_info *dlv_find_claim(const char *id)
{
  for (size_t i = 0; i < dlv_n_claims; i++)
    if (strcasecmp(dlv_claims[i].id, id) == 0)
      return &dlv_claims[i];
  return NULL;
}
