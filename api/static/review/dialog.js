"use strict";
/* In-page confirmations (delete a call, extract matching calls again): a modal `<dialog>`
   labelled by its heading and described by its text, with Cancel and a confirm button.
   `showModal()` makes the rest of the page inert, traps the focus and closes on Escape; the
   focus starts on Cancel (the safe choice) and goes back to the button that opened it, unless
   the confirmed request went out (its result is shown elsewhere). */
(function (R) {
  const $ = (id) => document.getElementById(id);
  const SENT = "sent";  // the dialog's return value once its request went out

  /** Wire a dialog once: `ids` = {dialog, cancel, confirm, opener}; Confirm runs `onConfirm`. */
  function confirmation(ids, onConfirm) {
    const dialog = $(ids.dialog);
    $(ids.cancel).addEventListener("click", () => dialog.close());
    $(ids.confirm).addEventListener("click", onConfirm);
    dialog.addEventListener("close", () => {  // Cancel or Escape: nothing sent
      if (dialog.returnValue !== SENT) $(ids.opener).focus();
    });
    return {
      open() {
        dialog.returnValue = "";
        dialog.showModal();
        $(ids.cancel).focus();
      },
      /** Close it: its request went out. */
      sent() { dialog.close(SENT); },
      /** Close it if open, sending nothing (the view it belongs to is going). */
      dismiss() { if (dialog.open) dialog.close(); },
    };
  }

  R.dialog = { confirmation };
})(window.CallReview);
