export * from './channels'
export * from './schemas'
export * from './runs'
export * from './validate'
