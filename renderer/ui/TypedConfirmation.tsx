import { useState } from 'react';
import { TextField } from './TextField';

/**
 * The console's typed confirmation for destructive actions ("delete", "stop"): confirmed when the
 * user typed the English word or its translation, in any case, spaces aside.
 */
export function useTypedConfirmation(word: string, translated: string) {
  const [typed, setTyped] = useState('');
  const answer = typed.trim().toLocaleLowerCase();
  return { typed, setTyped, isConfirmed: answer === word.toLocaleLowerCase() || answer === translated.toLocaleLowerCase() };
}

export interface TypedConfirmationFieldProps {
  label: string;
  /** The word shown as the placeholder (the translated one). */
  word: string;
  value: string;
  onChange: (value: string) => void;
}

export function TypedConfirmationField({ label, word, value, onChange }: TypedConfirmationFieldProps) {
  return (
    <TextField
      label={label}
      placeholder={word}
      value={value}
      autoComplete="off"
      autoCapitalize="off"
      spellCheck={false}
      autoFocus
      onChange={(event) => onChange(event.target.value)}
    />
  );
}
