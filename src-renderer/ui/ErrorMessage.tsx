import type { ApiError } from '../api/errors'

/** A readable error: the message, the hint when there is one, and the code in small print. Never a stack. */
export function ErrorMessage({ error, title, onDismiss }: { error: ApiError; title?: string; onDismiss?: () => void }) {
  return (
    <div className="error" role="alert" data-testid="error-message" data-error-code={error.code}>
      <div className="error__body">
        {title && <strong className="error__title">{title}</strong>}
        <p className="error__message">{error.message}</p>
        {error.hint && <p className="error__hint">{error.hint}</p>}
      </div>
      <span className="error__code">{error.code}</span>
      {onDismiss && (
        <button type="button" className="btn btn--ghost btn--small" onClick={onDismiss} aria-label="Dismiss">
          ×
        </button>
      )}
    </div>
  )
}
