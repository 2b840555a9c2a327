import { useEffect, useState, type ReactNode } from 'react'

/** A destructive action that needs a second click within a few seconds (no blocking native dialog). */
export function ConfirmButton({
  onConfirm,
  children,
  confirmLabel = 'Click again to confirm',
  testId,
  disabled,
}: {
  onConfirm: () => void
  children: ReactNode
  confirmLabel?: string
  testId?: string
  disabled?: boolean
}) {
  const [armed, setArmed] = useState(false)
  useEffect(() => {
    if (!armed) return
    const t = setTimeout(() => setArmed(false), 4000)
    return () => clearTimeout(t)
  }, [armed])
  return (
    <button
      type="button"
      className={`btn btn--small ${armed ? 'btn--danger' : 'btn--ghost'}`}
      data-testid={testId}
      data-armed={armed || undefined}
      disabled={disabled}
      onClick={(e) => {
        e.stopPropagation()
        if (armed) {
          setArmed(false)
          onConfirm()
        } else setArmed(true)
      }}
    >
      {armed ? confirmLabel : children}
    </button>
  )
}
