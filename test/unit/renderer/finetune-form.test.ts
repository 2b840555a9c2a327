import { describe, expect, it } from 'vitest'
import { initialForm, toStartInput, withMethod } from '../../../src-renderer/features/finetune/finetune-form'

const columns = [
  { idx: 0, name: 'question', type: 'text' as const, isText: true },
  { idx: 1, name: 'answer', type: 'text' as const, isText: false },
]

describe('Fine-tune form: the method', () => {
  it('starts as an adapter run and sends the method chosen', () => {
    const f = initialForm(columns as never)
    expect(toStartInput(3, f).method).toBe('adapter')
    expect(toStartInput(3, withMethod(f, 'full')).method).toBe('full')
  })

  it('moves epochs and learning rate to the new method’s defaults, but keeps values the user typed', () => {
    const f = initialForm(columns as never)
    const full = withMethod(f, 'full')
    expect(toStartInput(3, full).hyper).toMatchObject({ epochs: 1, learningRate: 2e-5 })
    const typed = withMethod({ ...f, hyper: { ...f.hyper, epochs: '4' } }, 'full')
    expect(toStartInput(3, typed).hyper).toMatchObject({ epochs: 4, learningRate: 2e-5 })
    expect(toStartInput(3, withMethod(full, 'adapter')).hyper).toMatchObject({ epochs: 10, learningRate: 0.001 })
  })
})
