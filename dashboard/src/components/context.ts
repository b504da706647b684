import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Actions } from '../actions';

export const ActionsContext = createContext<Actions | null>(null);

export function useActions(): Actions {
  const actions = useContext(ActionsContext);
  if (!actions) throw new Error('ActionsContext is missing');
  return actions;
}
