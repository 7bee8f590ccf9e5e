// Live progress of a job (a training set being built, an erasure): polled until it finishes.
import { api, segment } from "./api.js";
import { h, announce } from "./html.js";

const POLL_MILLIS = 500;

/**
 * A progress bar and a status line for the job, updated until the job finishes or the page is left
 * (signal); then onFinished(job) runs once.
 */
export function jobProgress(jobId, signal, onFinished) {
  const bar = h("progress", { id: `progress-${jobId}`, max: 1, value: 0 });
  const status = h("span", { class: "job-status" }, "waiting for the job…");
  const view = h(
    "div",
    { class: "job", role: "status", "aria-live": "polite" },
    h("label", { for: `progress-${jobId}` }, "Progress"),
    bar,
    status,
  );
  const poll = async () => {
    if (signal.aborted) {
      return;
    }
    let job;
    try {
      job = await api.get(`/jobs/${segment(jobId)}`);
    } catch (error) {
      status.textContent = `cannot read the job: ${error.message}`;
      return;
    }
    const { done, total } = job.progress;
    bar.max = Math.max(total, 1);
    bar.value = total > 0 ? done : job.status === "SUCCEEDED" ? 1 : 0;
    status.textContent = `${job.status}${total > 0 ? `: ${done} of ${total}` : ""}${job.error ? ` (${job.error})` : ""}`;
    if (job.finishedAt || ["SUCCEEDED", "FAILED", "CANCELLED"].includes(job.status)) {
      if (!signal.aborted) {
        onFinished(job);
      }
      return;
    }
    setTimeout(poll, POLL_MILLIS);
  };
  poll();
  return view;
}

/**
 * A "Progress" heading and the job's live progress, for a page that shows a receipt once its job
 * finished: then it says so to screen readers and draws the page again, with the receipt.
 */
export function progressUntilReceipt(jobId, signal, finishedMessage) {
  return [
    h("h2", {}, "Progress"),
    jobProgress(jobId, signal, () => {
      announce(finishedMessage);
      window.dispatchEvent(new PopStateEvent("popstate"));
    }),
  ];
}
