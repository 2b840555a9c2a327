import type { ProviderInfoView } from '../../../src-main/contract'
import { deviceName } from './provider'

export type Device = ProviderInfoView['requested']
export type Variant = 'int8' | 'fp32'

const DEVICES: Device[] = ['auto', 'cpu', 'cuda', 'dml', 'coreml']
const DEVICE_NOTES: Record<Device, string> = {
  auto: 'the fastest available',
  cpu: 'always works',
  cuda: 'NVIDIA GPU',
  dml: 'DirectML, Windows GPU',
  coreml: 'Apple Silicon',
}

/** Model variant and execution device, folded away: the defaults suit almost everyone. */
export function AdvancedOptions({
  variant,
  device,
  onVariant,
  onDevice,
}: {
  variant: Variant | ''
  device: Device
  onVariant(v: Variant | ''): void
  onDevice(d: Device): void
}) {
  const changed = variant !== '' || device !== 'auto'
  return (
    <details className="disclosure" data-testid="embed-advanced">
      <summary>
        Advanced{changed && <span className="muted"> · {[variant, device !== 'auto' ? deviceName(device) : ''].filter(Boolean).join(', ')}</span>}
      </summary>
      <div className="disclosure__body">
        <label className="field">
          <span className="field__label">Variant</span>
          <select value={variant} onChange={(e) => onVariant(e.target.value as Variant | '')} data-testid="variant-select">
            <option value="">Model default</option>
            <option value="int8">int8 — quantized, smaller and faster</option>
            <option value="fp32">fp32 — full precision</option>
          </select>
        </label>
        <label className="field">
          <span className="field__label">Device</span>
          <select value={device} onChange={(e) => onDevice(e.target.value as Device)} data-testid="device-select">
            {DEVICES.map((d) => (
              <option key={d} value={d}>
                {deviceName(d)} — {DEVICE_NOTES[d]}
              </option>
            ))}
          </select>
          <span className="field__note">If the device is not available, the CPU is used and the reason is shown with the result.</span>
        </label>
      </div>
    </details>
  )
}
