// `ml`: scikit-learn's workflow in TypeScript: split, scale and encode, train classifiers,
// cross-validate and search hyperparameters, all seeded.
import { GaussianNB } from './naiveBayes';
import { KNeighborsClassifier } from './knn';
import { LogisticRegression } from './logistic';
import { Pipeline } from './pipeline';
import { LabelEncoder, MinMaxScaler, OneHotEncoder, StandardScaler } from './preprocessing';
import { crossValScore, gridSearch, stratifiedKFold, trainTestSplit } from './selection';
import { DecisionTreeClassifier, RandomForestClassifier } from './tree';

export const ml = {
  trainTestSplit,
  stratifiedKFold,
  crossValScore,
  gridSearch,
  Pipeline,
  StandardScaler,
  MinMaxScaler,
  LabelEncoder,
  OneHotEncoder,
  LogisticRegression,
  DecisionTreeClassifier,
  RandomForestClassifier,
  KNeighborsClassifier,
  GaussianNB,
};

export { Classifier, type Transformer } from './model';
export type { Estimator } from './pipeline';
export type { CrossValidation, Grid, GridSearch, Split, SplitOptions } from './selection';
