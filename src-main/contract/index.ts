export * from './channels'
export * from './schemas'
export * from './validate'
