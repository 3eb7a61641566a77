;;; emacs_eglot.el --- Emacs with eglot attached to `factlint lsp` on a brief  -*- lexical-binding: t -*-

;; emacs --batch -l tools/emacs_eglot.el BRIEF
;;
;; Environment: FACTLINT_CMD, the server command as a JSON list (["factlint", "lsp"]);
;; FACTLINT_OUT, the file the diagnostics are written to, one JSON object a line
;; ({"line", "column", "end_line", "end_column", "type", "text"}: 1-based lines, 0-based
;; columns in characters, as Emacs counts them: code points).
;;
;; The set-up is the README's (eglot-server-programs, eglot-ensure in the mode's hook);
;; the rest stands in for what an interactive Emacs does by itself: run the command loop's
;; hooks once (eglot-ensure connects after the first command) and start Flymake, then
;; wait for the diagnostics.  Exit status 0 when some arrived, 1 when none did within a
;; minute, 2 when eglot is not installed.

(unless (require 'eglot nil t)
  (message "eglot is not installed (Debian: apt-get install elpa-eglot)")
  (kill-emacs 2))
(require 'flymake)
(require 'json)

(defvar factlint-brief-mode
  (if (require 'markdown-mode nil t) 'markdown-mode 'text-mode)
  "The major mode briefs are edited in: markdown-mode when it is installed.")

;; --- the README's set-up --------------------------------------------------------------
(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs
               `((markdown-mode gfm-mode text-mode)
                 . ,(json-parse-string (getenv "FACTLINT_CMD") :array-type 'list))))
(add-hook 'markdown-mode-hook #'eglot-ensure)
(add-hook 'text-mode-hook #'eglot-ensure)

;; --- open the brief, let eglot connect, wait for the diagnostics -----------------------
(defun factlint--position (point)
  "(LINE CHARACTER) of POINT: characters from the line's start, not display columns
\(a Chinese character is one character and two columns)."
  (save-excursion
    (goto-char point)
    (list (line-number-at-pos) (- (point) (line-beginning-position)))))

(defun factlint--write (diagnostics file)
  "Write DIAGNOSTICS of the current buffer to FILE."
  (let ((lines (mapcar
                (lambda (d)
                  (let ((start (factlint--position (flymake-diagnostic-beg d)))
                        (end (factlint--position (flymake-diagnostic-end d))))
                    (json-encode
                     `((line . ,(car start)) (column . ,(cadr start))
                       (end_line . ,(car end)) (end_column . ,(cadr end))
                       (type . ,(symbol-name (flymake-diagnostic-type d)))
                       (text . ,(flymake-diagnostic-text d))))))
                diagnostics)))
    (with-temp-file file
      (dolist (line lines)
        (insert line "\n")))))

(let* ((brief (expand-file-name (car command-line-args-left)))
       (out (getenv "FACTLINT_OUT"))
       (deadline (+ (float-time) 60))
       (buffer (find-file-noselect brief)))
  (setq command-line-args-left nil)
  (with-current-buffer buffer
    (funcall factlint-brief-mode)
    (run-hooks 'post-command-hook)  ; eglot-ensure connects after a command
    (while (and (not (eglot-managed-p)) (< (float-time) deadline))
      (accept-process-output nil 0.1))
    (while (and (null (flymake-diagnostics)) (< (float-time) deadline))
      (flymake-start)
      (accept-process-output nil 0.2))
    (let ((found (flymake-diagnostics)))
      (factlint--write found out)
      (ignore-errors (eglot-shutdown (eglot-current-server)))
      (kill-emacs (if found 0 1)))))

;;; emacs_eglot.el ends here
